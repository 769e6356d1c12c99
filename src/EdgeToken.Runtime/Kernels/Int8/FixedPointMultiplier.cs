namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>A positive real scale as an integer: <c>real ≈ Multiplier · 2^-(31 + Shift)</c> with <see cref="Multiplier"/>
/// in [2^30, 2^31), so it carries 31 significant bits whatever the magnitude. Applying it is one 64-bit multiply and a
/// <see cref="RoundingShift.HalfAwayFromZero"/>: no float on the device's hot path.</summary>
/// <remarks>Requantizing a GEMM accumulator uses real = input_scale · weight_scale / output_scale, which is below one in
/// practice but may be above (Shift is then negative, down to -31 + 1 so the total shift stays positive).</remarks>
public readonly record struct FixedPointMultiplier(int Multiplier, int Shift)
{
    public static FixedPointMultiplier FromReal(double real)
    {
        if (!(real > 0) || double.IsInfinity(real))
            throw new ArgumentOutOfRangeException(nameof(real), real, "a requantization scale must be positive and finite");
        // real = mantissa · 2^exponent with mantissa in [0.5, 1)
        int exponent = (int)Math.Floor(Math.Log2(real)) + 1;
        double mantissa = real / Math.Pow(2, exponent);
        if (mantissa >= 1) { mantissa /= 2; exponent++; }
        if (mantissa < 0.5) { mantissa *= 2; exponent--; }
        long q = (long)Math.Round(mantissa * (1L << 31), MidpointRounding.AwayFromZero);
        if (q == 1L << 31) { q >>= 1; exponent++; }
        int shift = -exponent;
        if (shift > 31) // far below one: keep the total shift within 62 bits by giving up significant bits
        {
            q >>= shift - 31;
            shift = 31;
            if (q == 0) throw new ArgumentOutOfRangeException(nameof(real), real, "requantization scale is too small to represent (below 2^-62)");
        }
        if (shift < -30) throw new ArgumentOutOfRangeException(nameof(real), real, "requantization scale is too large (at least 2^30)");
        return new FixedPointMultiplier((int)q, shift);
    }

    /// <summary>The same scale with the multiplier rounded (halves up) to its <paramref name="bits"/> leading significant
    /// bits, the rest zero: what lets <see cref="NarrowRequantization"/> multiply on 32-bit lanes. Unchanged for 31 bits
    /// or more, or a multiplier below 2^30 (a scale so small that <see cref="FromReal"/> gave up bits already).</summary>
    public FixedPointMultiplier WithSignificantBits(int bits)
    {
        if (bits < 1) throw new ArgumentOutOfRangeException(nameof(bits), bits, "a multiplier keeps at least one bit");
        if (bits >= 31 || Multiplier < 1 << 30) return this;
        int drop = 31 - bits;
        long q = ((long)Multiplier + (1L << (drop - 1))) >> drop << drop;
        return q == 1L << 31 ? new FixedPointMultiplier(1 << 30, Shift - 1) : new FixedPointMultiplier((int)q, Shift);
    }

    /// <summary>The real value this multiplier stands for.</summary>
    public double Real => Multiplier * Math.Pow(2, -(31 + Shift));

    /// <summary>round(value · real), halves away from zero. Exact for any int32 <paramref name="value"/>: the product
    /// is below 2^62 in magnitude.</summary>
    public long Apply(int value) => RoundingShift.HalfAwayFromZero((long)value * Multiplier, 31 + Shift);
}
