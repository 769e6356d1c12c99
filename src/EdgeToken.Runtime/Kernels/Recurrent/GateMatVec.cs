using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>y += W·x for a row-major <c>[rows, cols]</c> weight block: the gate pre-activations of one time
/// step. ONNX already stores W and R as one contiguous row per gate unit, so each output is a dot product
/// over contiguous memory and no repacking is needed.</summary>
/// <remarks>Four rows at a time share each load of x, which quarters the x traffic for the small hidden
/// sizes recurrent layers on edge devices use; the tail rows go one at a time.</remarks>
public static class GateMatVec
{
    public static void Scalar(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int cols = x.Length;
        for (int j = 0; j < y.Length; j++)
        {
            float sum = 0f;
            for (int k = 0; k < cols; k++) sum += w[j * cols + k] * x[k];
            y[j] += sum;
        }
    }

    public static void Run(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int cols = x.Length, rows = y.Length;
        if (w.Length < rows * cols) throw new ArgumentException("weight block smaller than rows x cols");
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float xs = ref MemoryMarshal.GetReference(x);
        int j = 0;
        if (Vector256.IsHardwareAccelerated && cols >= Vector256<float>.Count)
        {
            for (; j <= rows - 4; j += 4)
            {
                ref float w0 = ref Unsafe.Add(ref ws, j * cols);
                ref float w1 = ref Unsafe.Add(ref w0, cols);
                ref float w2 = ref Unsafe.Add(ref w1, cols);
                ref float w3 = ref Unsafe.Add(ref w2, cols);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                int k = 0;
                for (; k <= cols - Vector256<float>.Count; k += Vector256<float>.Count)
                {
                    var xv = Vector256.LoadUnsafe(ref xs, (nuint)k);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)k), xv, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w1, (nuint)k), xv, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w2, (nuint)k), xv, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w3, (nuint)k), xv, a3);
                }
                float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
                for (; k < cols; k++)
                {
                    float xk = Unsafe.Add(ref xs, k);
                    s0 += Unsafe.Add(ref w0, k) * xk;
                    s1 += Unsafe.Add(ref w1, k) * xk;
                    s2 += Unsafe.Add(ref w2, k) * xk;
                    s3 += Unsafe.Add(ref w3, k) * xk;
                }
                y[j] += s0;
                y[j + 1] += s1;
                y[j + 2] += s2;
                y[j + 3] += s3;
            }
        }
        for (; j < rows; j++) y[j] += Dot(ref Unsafe.Add(ref ws, j * cols), ref xs, cols);
    }

    private static float Dot(ref float a, ref float b, int n)
    {
        int k = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var acc = Vector256<float>.Zero;
            for (; k <= n - Vector256<float>.Count; k += Vector256<float>.Count)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)k), Vector256.LoadUnsafe(ref b, (nuint)k), acc);
            sum = Vector256.Sum(acc);
        }
        if (Vector128.IsHardwareAccelerated && n - k >= Vector128<float>.Count)
        {
            var acc = Vector128<float>.Zero;
            for (; k <= n - Vector128<float>.Count; k += Vector128<float>.Count)
                acc = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref a, (nuint)k), Vector128.LoadUnsafe(ref b, (nuint)k), acc);
            sum += Vector128.Sum(acc);
        }
        for (; k < n; k++) sum += Unsafe.Add(ref a, k) * Unsafe.Add(ref b, k);
        return sum;
    }
}
