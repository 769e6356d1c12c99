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
        => Blocks4<Vector512<float>, F512>(ref w, ld, ref x, k, ref y, n, j);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Columns256(ref float w, int ld, ref float x, int k, ref float y, int n, int j)
        => Singles<Vector256<float>, F256>(ref w, ld, ref x, k, ref y, n, Blocks4<Vector256<float>, F256>(ref w, ld, ref x, k, ref y, n, j));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Columns128(ref float w, int ld, ref float x, int k, ref float y, int n, int j)
        => Singles<Vector128<float>, F128>(ref w, ld, ref x, k, ref y, n, Blocks4<Vector128<float>, F128>(ref w, ld, ref x, k, ref y, n, j));

    /// <summary>Blocks of 4 vectors of columns with k unrolled by 2 (8 FMA chains), at the width of <typeparamref name="TOps"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Blocks4<TVec, TOps>(ref float w, int ld, ref float x, int k, ref float y, int n, int j)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        int V = TOps.Count;
        nuint v = (nuint)V;
        for (; j <= n - 4 * V; j += 4 * V)
        {
            ref float c = ref Unsafe.Add(ref w, j);
            TVec a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero, b0 = TOps.Zero, b1 = TOps.Zero, b2 = TOps.Zero, b3 = TOps.Zero;
            int i = 0;
            for (; i <= k - 2; i += 2)
            {
                var x0 = TOps.Create(Unsafe.Add(ref x, i));
                var x1 = TOps.Create(Unsafe.Add(ref x, i + 1));
                nuint r0 = (nuint)(i * ld), r1 = r0 + (nuint)ld;
                a0 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref c, r0), a0);
                a1 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref c, r0 + v), a1);
                a2 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref c, r0 + 2 * v), a2);
                a3 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref c, r0 + 3 * v), a3);
                b0 = TOps.FusedMultiplyAdd(x1, TOps.Load(ref c, r1), b0);
                b1 = TOps.FusedMultiplyAdd(x1, TOps.Load(ref c, r1 + v), b1);
                b2 = TOps.FusedMultiplyAdd(x1, TOps.Load(ref c, r1 + 2 * v), b2);
                b3 = TOps.FusedMultiplyAdd(x1, TOps.Load(ref c, r1 + 3 * v), b3);
            }
            if (i < k)
            {
                var x0 = TOps.Create(Unsafe.Add(ref x, i));
                nuint r0 = (nuint)(i * ld);
                a0 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref c, r0), a0);
                a1 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref c, r0 + v), a1);
                a2 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref c, r0 + 2 * v), a2);
                a3 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref c, r0 + 3 * v), a3);
            }
            TOps.Store(TOps.Add(a0, b0), ref y, (nuint)j);
            TOps.Store(TOps.Add(a1, b1), ref y, (nuint)j + v);
            TOps.Store(TOps.Add(a2, b2), ref y, (nuint)j + 2 * v);
            TOps.Store(TOps.Add(a3, b3), ref y, (nuint)j + 3 * v);
        }
        return j;
    }

    /// <summary>Leftover single vectors of columns, k unrolled by 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Singles<TVec, TOps>(ref float w, int ld, ref float x, int k, ref float y, int n, int j)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        int V = TOps.Count;
        for (; j <= n - V; j += V)
        {
            ref float c = ref Unsafe.Add(ref w, j);
            TVec a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
            int i = 0;
            for (; i <= k - 4; i += 4)
            {
                nuint r0 = (nuint)(i * ld);
                a0 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i)), TOps.Load(ref c, r0), a0);
                a1 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i + 1)), TOps.Load(ref c, r0 + (nuint)ld), a1);
                a2 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i + 2)), TOps.Load(ref c, r0 + (nuint)(2 * ld)), a2);
                a3 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i + 3)), TOps.Load(ref c, r0 + (nuint)(3 * ld)), a3);
            }
            for (; i < k; i++)
                a0 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i)), TOps.Load(ref c, (nuint)(i * ld)), a0);
            TOps.Store(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)), ref y, (nuint)j);
        }
        return j;
    }
}
