using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>y = x·Wᵀ for one time step's recurrent product, with the weights already transposed
/// (<see cref="RecurrentWeights"/>): <c>y[j] = Σk x[k]·w[k·ld + j]</c>, w row-major with row stride
/// <c>ld</c>, so a column block of y stays in registers while k runs and each x[k] is broadcast.</summary>
/// <remarks>
/// Blocks of 4 vectors with k unrolled by 2 keep 8 independent FMA chains in flight (FMA latency 4, two ports),
/// which the small hidden sizes of edge models need: at hidden 32 the whole z/r product is one Vector512 block
/// or two Vector256 blocks. Leftover vectors go one at a time with k unrolled by 4; leftover columns are scalar.
/// The k-order of the sums differs from <see cref="Scalar"/>; results agree within float rounding.
/// </remarks>
public static class GateMatVec
{
    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> w, int ld, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int j = 0; j < y.Length; j++)
        {
            float sum = 0f;
            for (int k = 0; k < x.Length; k++) sum += x[k] * w[k * ld + j];
            y[j] = sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> w, int ld, ReadOnlySpan<float> x, Span<float> y)
    {
        int k = x.Length, n = y.Length;
        if (n == 0) return;
        if (ld < n || (k > 0 && w.Length < (k - 1) * ld + n)) throw new ArgumentException("weight block smaller than x.Length rows of y.Length columns");
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int j = 0;
        if (Vector512.IsHardwareAccelerated) j = Columns512(ref ws, ld, ref xs, k, ref ys, n, j);
        if (Vector256.IsHardwareAccelerated) j = Columns256(ref ws, ld, ref xs, k, ref ys, n, j);
        if (Vector128.IsHardwareAccelerated) j = Columns128(ref ws, ld, ref xs, k, ref ys, n, j);
        for (; j < n; j++)
        {
            float sum = 0f;
            for (int i = 0; i < k; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref xs, i), Unsafe.Add(ref ws, i * ld + j), sum);
            Unsafe.Add(ref ys, j) = sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Columns512(ref float w, int ld, ref float x, int k, ref float y, int n, int j)
    {
        const int V = 16;
        for (; j <= n - 4 * V; j += 4 * V)
        {
            ref float c = ref Unsafe.Add(ref w, j);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            int i = 0;
            for (; i <= k - 2; i += 2)
            {
                var x0 = Vector512.Create(Unsafe.Add(ref x, i));
                var x1 = Vector512.Create(Unsafe.Add(ref x, i + 1));
                nuint r0 = (nuint)(i * ld), r1 = r0 + (nuint)ld;
                a0 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref c, r0), a0);
                a1 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref c, r0 + V), a1);
                a2 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref c, r0 + 2 * V), a2);
                a3 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref c, r0 + 3 * V), a3);
                b0 = Vector512.FusedMultiplyAdd(x1, Vector512.LoadUnsafe(ref c, r1), b0);
                b1 = Vector512.FusedMultiplyAdd(x1, Vector512.LoadUnsafe(ref c, r1 + V), b1);
                b2 = Vector512.FusedMultiplyAdd(x1, Vector512.LoadUnsafe(ref c, r1 + 2 * V), b2);
                b3 = Vector512.FusedMultiplyAdd(x1, Vector512.LoadUnsafe(ref c, r1 + 3 * V), b3);
            }
            if (i < k)
            {
                var x0 = Vector512.Create(Unsafe.Add(ref x, i));
                nuint r0 = (nuint)(i * ld);
                a0 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref c, r0), a0);
                a1 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref c, r0 + V), a1);
                a2 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref c, r0 + 2 * V), a2);
                a3 = Vector512.FusedMultiplyAdd(x0, Vector512.LoadUnsafe(ref c, r0 + 3 * V), a3);
            }
            (a0 + b0).StoreUnsafe(ref y, (nuint)j);
            (a1 + b1).StoreUnsafe(ref y, (nuint)(j + V));
            (a2 + b2).StoreUnsafe(ref y, (nuint)(j + 2 * V));
            (a3 + b3).StoreUnsafe(ref y, (nuint)(j + 3 * V));
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Columns256(ref float w, int ld, ref float x, int k, ref float y, int n, int j)
    {
        const int V = 8;
        for (; j <= n - 4 * V; j += 4 * V)
        {
            ref float c = ref Unsafe.Add(ref w, j);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            int i = 0;
            for (; i <= k - 2; i += 2)
            {
                var x0 = Vector256.Create(Unsafe.Add(ref x, i));
                var x1 = Vector256.Create(Unsafe.Add(ref x, i + 1));
                nuint r0 = (nuint)(i * ld), r1 = r0 + (nuint)ld;
                a0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref c, r0), a0);
                a1 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref c, r0 + V), a1);
                a2 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref c, r0 + 2 * V), a2);
                a3 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref c, r0 + 3 * V), a3);
                b0 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref c, r1), b0);
                b1 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref c, r1 + V), b1);
                b2 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref c, r1 + 2 * V), b2);
                b3 = Vector256.FusedMultiplyAdd(x1, Vector256.LoadUnsafe(ref c, r1 + 3 * V), b3);
            }
            if (i < k)
            {
                var x0 = Vector256.Create(Unsafe.Add(ref x, i));
                nuint r0 = (nuint)(i * ld);
                a0 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref c, r0), a0);
                a1 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref c, r0 + V), a1);
                a2 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref c, r0 + 2 * V), a2);
                a3 = Vector256.FusedMultiplyAdd(x0, Vector256.LoadUnsafe(ref c, r0 + 3 * V), a3);
            }
            (a0 + b0).StoreUnsafe(ref y, (nuint)j);
            (a1 + b1).StoreUnsafe(ref y, (nuint)(j + V));
            (a2 + b2).StoreUnsafe(ref y, (nuint)(j + 2 * V));
            (a3 + b3).StoreUnsafe(ref y, (nuint)(j + 3 * V));
        }
        for (; j <= n - V; j += V)
        {
            ref float c = ref Unsafe.Add(ref w, j);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int i = 0;
            for (; i <= k - 4; i += 4)
            {
                nuint r0 = (nuint)(i * ld);
                a0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x, i)), Vector256.LoadUnsafe(ref c, r0), a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x, i + 1)), Vector256.LoadUnsafe(ref c, r0 + (nuint)ld), a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x, i + 2)), Vector256.LoadUnsafe(ref c, r0 + (nuint)(2 * ld)), a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x, i + 3)), Vector256.LoadUnsafe(ref c, r0 + (nuint)(3 * ld)), a3);
            }
            for (; i < k; i++)
                a0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref x, i)), Vector256.LoadUnsafe(ref c, (nuint)(i * ld)), a0);
            ((a0 + a1) + (a2 + a3)).StoreUnsafe(ref y, (nuint)j);
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Columns128(ref float w, int ld, ref float x, int k, ref float y, int n, int j)
    {
        const int V = 4;
        for (; j <= n - 4 * V; j += 4 * V)
        {
            ref float c = ref Unsafe.Add(ref w, j);
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            int i = 0;
            for (; i <= k - 2; i += 2)
            {
                var x0 = Vector128.Create(Unsafe.Add(ref x, i));
                var x1 = Vector128.Create(Unsafe.Add(ref x, i + 1));
                nuint r0 = (nuint)(i * ld), r1 = r0 + (nuint)ld;
                a0 = Vector128.FusedMultiplyAdd(x0, Vector128.LoadUnsafe(ref c, r0), a0);
                a1 = Vector128.FusedMultiplyAdd(x0, Vector128.LoadUnsafe(ref c, r0 + V), a1);
                a2 = Vector128.FusedMultiplyAdd(x0, Vector128.LoadUnsafe(ref c, r0 + 2 * V), a2);
                a3 = Vector128.FusedMultiplyAdd(x0, Vector128.LoadUnsafe(ref c, r0 + 3 * V), a3);
                b0 = Vector128.FusedMultiplyAdd(x1, Vector128.LoadUnsafe(ref c, r1), b0);
                b1 = Vector128.FusedMultiplyAdd(x1, Vector128.LoadUnsafe(ref c, r1 + V), b1);
                b2 = Vector128.FusedMultiplyAdd(x1, Vector128.LoadUnsafe(ref c, r1 + 2 * V), b2);
                b3 = Vector128.FusedMultiplyAdd(x1, Vector128.LoadUnsafe(ref c, r1 + 3 * V), b3);
            }
            if (i < k)
            {
                var x0 = Vector128.Create(Unsafe.Add(ref x, i));
                nuint r0 = (nuint)(i * ld);
                a0 = Vector128.FusedMultiplyAdd(x0, Vector128.LoadUnsafe(ref c, r0), a0);
                a1 = Vector128.FusedMultiplyAdd(x0, Vector128.LoadUnsafe(ref c, r0 + V), a1);
                a2 = Vector128.FusedMultiplyAdd(x0, Vector128.LoadUnsafe(ref c, r0 + 2 * V), a2);
                a3 = Vector128.FusedMultiplyAdd(x0, Vector128.LoadUnsafe(ref c, r0 + 3 * V), a3);
            }
            (a0 + b0).StoreUnsafe(ref y, (nuint)j);
            (a1 + b1).StoreUnsafe(ref y, (nuint)(j + V));
            (a2 + b2).StoreUnsafe(ref y, (nuint)(j + 2 * V));
            (a3 + b3).StoreUnsafe(ref y, (nuint)(j + 3 * V));
        }
        for (; j <= n - V; j += V)
        {
            ref float c = ref Unsafe.Add(ref w, j);
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int i = 0;
            for (; i <= k - 4; i += 4)
            {
                nuint r0 = (nuint)(i * ld);
                a0 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref x, i)), Vector128.LoadUnsafe(ref c, r0), a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref x, i + 1)), Vector128.LoadUnsafe(ref c, r0 + (nuint)ld), a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref x, i + 2)), Vector128.LoadUnsafe(ref c, r0 + (nuint)(2 * ld)), a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref x, i + 3)), Vector128.LoadUnsafe(ref c, r0 + (nuint)(3 * ld)), a3);
            }
            for (; i < k; i++)
                a0 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref x, i)), Vector128.LoadUnsafe(ref c, (nuint)(i * ld)), a0);
            ((a0 + a1) + (a2 + a3)).StoreUnsafe(ref y, (nuint)j);
        }
        return j;
    }
}
