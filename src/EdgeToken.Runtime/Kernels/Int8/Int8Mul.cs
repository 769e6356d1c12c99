namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>y = a · b on int8 tensors: <c>y_q = clamp(zy + round((a_q - za)(b_q - zb) · sa·sb/sy))</c>, the ratio as 2^-32
/// fixed point, rounding halves away from zero.</summary>
/// <remarks>The product of two differences is at most 255² &lt; 2^16, so a ratio up to 2^14 keeps the 64-bit product below 2^62.</remarks>
public sealed class Int8Mul(double scaleA, int zeroA, double scaleB, int zeroB, double scaleY, int zeroY, int min = sbyte.MinValue, int max = sbyte.MaxValue)
{
    internal const int FractionBits = 32;
    private readonly long _m = ToFixed(scaleA * scaleB / scaleY);

    private static long ToFixed(double ratio)
    {
        if (!(ratio > 0) || ratio >= 1 << 14) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "scale ratio must be in (0, 2^14)");
        return (long)Math.Round(ratio * (1L << FractionBits), MidpointRounding.AwayFromZero);
    }

    public sbyte One(sbyte a, sbyte b)
    {
        long v = RoundingShift.HalfAwayFromZero((long)((a - zeroA) * (b - zeroB)) * _m, FractionBits) + zeroY;
        return (sbyte)Math.Clamp(v, min, max);
    }

    public void Run(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = One(a[i], b[i]);
    }
}
