using System.Numerics;
using System.Runtime.CompilerServices;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>One output channel's requantization on 32-bit lanes, for a channel whose every possible accumulator times
/// its multiplier fits in an int32: the same bytes as <see cref="Requantize.One"/> gives for
/// <c>accumulator + bias</c>, in one 32-bit multiply, an add and an arithmetic shift (plus the sign for halves away
/// from zero), with the bias, the rounding half and the zero point folded into one constant.</summary>
/// <remarks>
/// <para>A <see cref="FixedPointMultiplier"/> M · 2^-(31 + Shift) whose low k bits are zero is the same scale as
/// m · 2^-s with m = M &gt;&gt; k and s = 31 + Shift - k, and <see cref="RoundingShift.HalfAwayFromZero"/> gives the same
/// integer for both (numerator and denominator divided by 2^k). The full form needs a 64-bit product, which SIMD
/// units take as two even/odd half-width multiplies, shifts and a lane shuffle; the narrow form needs one vpmulld (or
/// ARM64 mul). The quantizer rounds a convolution's multipliers to as many significant bits as keep the product in
/// an int32 (see <see cref="SignificantBits"/>), so this form applies to it; any other multiplier that happens to fit
/// takes it too.</para>
/// <para>With t = m · (acc + bias), the result plus the zero point is (t + h + z · 2^s + [t &lt; 0 ? -1 : 0]) &gt;&gt; s,
/// h = 2^(s-1), z the zero point (adding z · 2^s before an arithmetic shift adds exactly z after it). The multiply
/// and the adds wrap modulo 2^32, so only the true sum has to fit: <see cref="TryCreate"/> checks that it does for every
/// accumulator the channel's weights can give from int8 inputs. Where the clamp starts at or above the zero point (a
/// fused Relu), the sign term is left out: it only changes results below the zero point, which the clamp lifts anyway
/// (see <see cref="Requantize.ClampsAtZero"/>).</para></remarks>
/// <param name="Multiplier">m.</param>
/// <param name="BiasProduct">m · bias, modulo 2^32.</param>
/// <param name="Offset">h + z · 2^s.</param>
/// <param name="Shift">s, in [1, 30].</param>
/// <param name="Min">The clamp's bounds (on the result plus the zero point, as <see cref="Requantize.One"/>'s).</param>
/// <param name="SignTerm">Whether halves below zero round away from zero (false where the clamp makes it moot).</param>
public readonly record struct NarrowRequantization(int Multiplier, int BiasProduct, int Offset, int Shift, int Min, int Max, bool SignTerm)
{
    /// <summary>The narrow form of <paramref name="scale"/> for accumulators in [<paramref name="low"/>,
    /// <paramref name="high"/>] (before the bias), or false when a sum could overflow or the shift is out of [1, 31].
    /// <paramref name="bias"/> is the folded int32 bias the kernel adds (<see cref="Int8Conv.FoldZeroPoint"/>).</summary>
    public static bool TryCreate(FixedPointMultiplier scale, int bias, long low, long high, int zeroPoint, int min, int max,
        out NarrowRequantization narrow)
    {
        narrow = default;
        if (scale.Multiplier <= 0) return false;
        int k = BitOperations.TrailingZeroCount(scale.Multiplier);
        int m = scale.Multiplier >> k, s = 31 + scale.Shift - k;
        if (s < 1 || s > 30) return false;
        long magnitude = Math.Max(Math.Abs(low + bias), Math.Abs(high + bias));
        long offset = (1L << (s - 1)) + ((long)zeroPoint << s);
        // the largest |t| plus the offset and the sign's -1 must stay an int32 (divided, so that no product overflows)
        long room = int.MaxValue - Math.Abs(offset) - 1;
        if (room < 0 || magnitude > room / m) return false;
        narrow = new NarrowRequantization(m, unchecked((int)(m * (long)bias)), (int)offset, s, min, max, !Requantize.ClampsAtZero(zeroPoint, min));
        return true;
    }

    /// <summary>The smallest and largest accumulator Σ w · x over int8 inputs x in [-128, 127], for one output channel's
    /// weights (raw x, before any zero point: the kernels' sums).</summary>
    public static (long Low, long High) AccumulatorRange(ReadOnlySpan<sbyte> w)
    {
        long positive = 0, negative = 0;
        foreach (sbyte v in w)
            if (v > 0) positive += v;
            else negative += v;
        return (-128 * positive + 127 * negative, 127 * positive - 128 * negative);
    }

    /// <summary>How many significant bits a multiplier may keep so that <see cref="TryCreate"/> succeeds for
    /// accumulators up to <paramref name="magnitude"/> (bias included) with shift <c>31 + shift - (31 - bits)</c>; the
    /// quantizer rounds a layer's multipliers to this many bits (at most 31, the full form).</summary>
    public static int SignificantBits(long magnitude, int shift, int zeroPoint)
    {
        for (int bits = 31; bits >= 1; bits--)
        {
            int s = bits + shift; // 31 + shift - (31 - bits)
            if (s < 1 || s > 30) continue;
            long room = int.MaxValue - Math.Abs((1L << (s - 1)) + ((long)zeroPoint << s)) - 1; // as TryCreate bounds it
            if (room >= 0 && magnitude <= room / ((1L << bits) - 1)) return bits;
        }
        return 0;
    }

    /// <summary><see cref="BiasProduct"/> + <see cref="Offset"/>: the one add where there is no sign term.</summary>
    public int FoldedOffset => unchecked(BiasProduct + Offset);

    /// <summary>y for one accumulator (bias not yet added), on int32 as the vector paths compute it: the reference they
    /// are tested against, itself tested against <see cref="Requantize.One"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Apply(int accumulator)
    {
        int u = unchecked(accumulator * Multiplier + BiasProduct);
        int t = unchecked(u + Offset + (SignTerm ? u >> 31 : 0));
        return (sbyte)Math.Clamp(t >> Shift, Min, Max);
    }
}
