namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Division by a power of two with the one rounding rule every int8 kernel uses: to nearest, halves away from
/// zero (2.5 → 3, -2.5 → -3). Symmetric in sign, so positive and negative accumulators are treated alike and the
/// rounding adds no bias around the zero point.</summary>
public static class RoundingShift
{
    /// <summary>round(value / 2^shift), halves away from zero. <paramref name="shift"/> in [0, 62];
    /// <paramref name="value"/> must not be <see cref="long.MinValue"/>. The half is added as the bit just below the
    /// cut rather than before shifting, so no value overflows.</summary>
    public static long HalfAwayFromZero(long value, int shift)
    {
        if (shift == 0) return value;
        long magnitude = Math.Abs(value);
        long rounded = (magnitude >> shift) + ((magnitude >> (shift - 1)) & 1);
        return value >= 0 ? rounded : -rounded;
    }
}
