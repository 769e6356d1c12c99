using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Relu and Clip on int8 with the output's scale and zero point equal to the input's: a clamp of the quantized
/// values. Relu is clamp(q, zero_point, 127); Clip(lo, hi) is clamp(q, quantize(lo), quantize(hi)).</summary>
public static class Int8Clamp
{
    /// <summary>The bounds of Relu for a tensor with this zero point.</summary>
    public static (int Min, int Max) Relu(int zeroPoint) => (zeroPoint, sbyte.MaxValue);

    /// <summary>The bounds of Clip(lo, hi), rounded halves away from zero and saturated to int8.</summary>
    public static (int Min, int Max) Clip(float lo, float hi, double scale, int zeroPoint) =>
        (Quantize(lo, scale, zeroPoint), Quantize(hi, scale, zeroPoint));

    private static int Quantize(float v, double scale, int zeroPoint) =>
        float.IsNegativeInfinity(v) ? sbyte.MinValue : float.IsPositiveInfinity(v) ? sbyte.MaxValue
        : (int)Math.Clamp(Math.Round(v / scale, MidpointRounding.AwayFromZero) + zeroPoint, sbyte.MinValue, sbyte.MaxValue);

    public static void Scalar(ReadOnlySpan<sbyte> x, Span<sbyte> y, int min, int max)
    {
        for (int i = 0; i < x.Length; i++) y[i] = (sbyte)Math.Clamp((int)x[i], min, max);
    }

    public static void Run(ReadOnlySpan<sbyte> x, Span<sbyte> y, int min, int max)
    {
        ref sbyte xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var lo = Vector128.Create((sbyte)min);
            var hi = Vector128.Create((sbyte)max);
            for (; i <= x.Length - 16; i += 16)
                Vector128.Min(Vector128.Max(Vector128.LoadUnsafe(ref xs, (nuint)i), lo), hi).StoreUnsafe(ref ys, (nuint)i);
        }
        Scalar(x[i..], y[i..], min, max);
    }
}
