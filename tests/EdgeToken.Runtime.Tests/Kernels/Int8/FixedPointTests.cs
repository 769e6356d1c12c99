using System.Numerics;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class FixedPointTests
{
    [Theory]
    [InlineData(5, 1, 3)]    // 2.5 -> 3
    [InlineData(-5, 1, -3)]  // -2.5 -> -3 (away from zero, not toward +inf)
    [InlineData(3, 1, 2)]    // 1.5 -> 2 (not to even)
    [InlineData(-3, 1, -2)]
    [InlineData(1, 1, 1)]    // 0.5 -> 1
    [InlineData(-1, 1, -1)]
    [InlineData(7, 2, 2)]    // 1.75 -> 2
    [InlineData(-7, 2, -2)]
    [InlineData(5, 2, 1)]    // 1.25 -> 1
    [InlineData(-5, 2, -1)]
    [InlineData(6, 2, 2)]    // 1.5 -> 2
    [InlineData(-6, 2, -2)]
    [InlineData(0, 5, 0)]
    [InlineData(42, 0, 42)]
    [InlineData(-42, 0, -42)]
    [InlineData(long.MaxValue, 62, 2)]   // (2^63 - 1) / 2^62 = 1.99.. -> 2, no overflow
    [InlineData(-long.MaxValue, 62, -2)]
    public void Rounding_shift_rounds_halves_away_from_zero(long value, int shift, long expected) =>
        Assert.Equal(expected, RoundingShift.HalfAwayFromZero(value, shift));

    [Theory]
    [InlineData(0.5, 1 << 30, 0)]
    [InlineData(1.0, 1 << 30, -1)]
    [InlineData(0.25, 1 << 30, 1)]
    [InlineData(0.75, 3 << 29, 0)]
    public void Multiplier_has_a_normalised_mantissa(double real, int multiplier, int shift)
    {
        var m = FixedPointMultiplier.FromReal(real);
        Assert.Equal(new FixedPointMultiplier(multiplier, shift), m);
        Assert.Equal(real, m.Real);
    }

    [Fact]
    public void Multiplier_keeps_31_significant_bits_and_refuses_bad_scales()
    {
        var rng = new Random(5);
        for (int i = 0; i < 1000; i++)
        {
            double real = Math.Pow(2, rng.NextDouble() * 40 - 30);
            var m = FixedPointMultiplier.FromReal(real);
            Assert.InRange(m.Multiplier, 1 << 30, int.MaxValue);
            Assert.True(Math.Abs(m.Real - real) <= real * Math.Pow(2, -31), $"{real}: {m}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointMultiplier.FromReal(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointMultiplier.FromReal(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointMultiplier.FromReal(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPointMultiplier.FromReal(1e12));
    }

    /// <summary>Apply is exactly round_half_away(value · Multiplier / 2^(31+Shift)), checked with BigInteger arithmetic,
    /// including int32's extremes and exact halves.</summary>
    [Fact]
    public void Apply_is_exact_against_big_integer_arithmetic()
    {
        var rng = new Random(9);
        int[] edges = [int.MinValue, int.MinValue + 1, -1, 0, 1, int.MaxValue];
        for (int i = 0; i < 20000; i++)
        {
            var m = i % 7 == 0 ? new FixedPointMultiplier(int.MaxValue, -30) : FixedPointMultiplier.FromReal(Math.Pow(2, rng.NextDouble() * 50 - 40));
            int v = i < edges.Length * 50 ? edges[i % edges.Length] : rng.Next(int.MinValue, int.MaxValue);
            BigInteger p = (BigInteger)v * m.Multiplier;
            BigInteger d = BigInteger.One << (31 + m.Shift);
            BigInteger q = BigInteger.DivRem(BigInteger.Abs(p) * 2 + d, d * 2, out _); // floor((|p| + d/2) / d)
            Assert.Equal((long)(p.Sign < 0 ? -q : q), m.Apply(v));
        }
        // An exact half: 3 · 0.5 = 1.5 -> 2, -3 · 0.5 -> -2.
        var half = FixedPointMultiplier.FromReal(0.5);
        Assert.Equal(2, half.Apply(3));
        Assert.Equal(-2, half.Apply(-3));
    }

    [Fact]
    public void Requantize_adds_the_zero_point_then_saturates_to_the_clamp()
    {
        var s = FixedPointMultiplier.FromReal(0.5);
        Assert.Equal(12, Requantize.One(5, s, 9, -128, 127));      // 2.5 -> 3, + 9
        Assert.Equal(6, Requantize.One(-5, s, 9, -128, 127));      // -2.5 -> -3, + 9
        Assert.Equal(127, Requantize.One(int.MaxValue, s, 0, -128, 127));
        Assert.Equal(-128, Requantize.One(int.MinValue, s, 0, -128, 127));
        Assert.Equal(9, Requantize.One(-100, s, 9, 9, 127));       // fused Relu: clamp at the zero point
        var y = new sbyte[3];
        Requantize.Row([10, 10, 10], [0, 2, -2], [FixedPointMultiplier.FromReal(1), FixedPointMultiplier.FromReal(0.5), FixedPointMultiplier.FromReal(0.25)], 0, -128, 127, y);
        Assert.Equal([10, 6, 2], y);
    }
}
