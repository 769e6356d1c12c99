using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Normalization;

/// <summary>Mean and (biased, divide-by-n) variance of a row, as every ONNX normalisation defines them.</summary>
/// <remarks>Two passes (mean, then squared deviations from it) rather than E[x²]−E[x]²: the one-pass form
/// cancels catastrophically when the mean is large next to the spread, and the rows are in cache anyway.</remarks>
public static class Moments
{
    public static (float Mean, float Variance) Of(ReadOnlySpan<float> x)
    {
        if (x.Length == 0) return (float.NaN, float.NaN);
        float mean = TensorPrimitives.Sum(x) / x.Length;
        return (mean, SquaredDeviations(x, mean) / x.Length);
    }

    /// <summary>The reference: Σ (x − mean)².</summary>
    public static float SquaredDeviationsScalar(ReadOnlySpan<float> x, float mean)
    {
        float sum = 0f;
        foreach (float v in x) sum += (v - mean) * (v - mean);
        return sum;
    }

    /// <summary>Σ (x − mean)² with 256- then 128-bit vectors and a scalar tail.</summary>
    public static float SquaredDeviations(ReadOnlySpan<float> x, float mean)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        int i = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            var m = Vector256.Create(mean);
            var acc = Vector256<float>.Zero;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var d = Vector256.LoadUnsafe(ref xs, (nuint)i) - m;
                acc = Vector256.FusedMultiplyAdd(d, d, acc);
            }
            sum += Vector256.Sum(acc);
        }
        if (Vector128.IsHardwareAccelerated && x.Length - i >= Vector128<float>.Count)
        {
            var m = Vector128.Create(mean);
            var acc = Vector128<float>.Zero;
            for (; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var d = Vector128.LoadUnsafe(ref xs, (nuint)i) - m;
                acc = Vector128.FusedMultiplyAdd(d, d, acc);
            }
            sum += Vector128.Sum(acc);
        }
        for (; i < x.Length; i++)
        {
            float d = Unsafe.Add(ref xs, i) - mean;
            sum += d * d;
        }
        return sum;
    }
}
