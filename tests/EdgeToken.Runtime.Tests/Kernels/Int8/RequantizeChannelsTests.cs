using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class RequantizeChannelsTests
{
    [Fact]
    public void The_vector_plane_matches_the_scalar_definition_for_every_length_and_extreme()
    {
        var rng = new Random(21);
        double[] reals = [1e-9, 0.0007, 0.0123, 0.5, 0.99999, 1, 3.7, 1e6];
        foreach (double real in reals)
            for (int pixels = 0; pixels <= 40; pixels++)
            {
                var acc = new int[2 * pixels];
                for (int i = 0; i < acc.Length; i++)
                    acc[i] = (i % 9) switch { 0 => int.MaxValue / 2, 1 => int.MinValue / 2, 2 => rng.Next(-100, 100), 3 => int.MaxValue, 4 => int.MinValue, _ => rng.Next(-1 << 20, 1 << 20) };
                int[] bias = [rng.Next(-1000, 1000), rng.Next(-1000, 1000)];
                FixedPointMultiplier[] scales = [FixedPointMultiplier.FromReal(real), FixedPointMultiplier.FromReal(real * 1.37)];
                var actual = new sbyte[acc.Length];
                Requantize.Channels(acc, 2, pixels, bias, scales, -7, -128, 120, actual);
                for (int i = 0; i < acc.Length; i++)
                    Assert.Equal(Requantize.One(acc[i] + bias[i / pixels], scales[i / pixels], -7, -128, 120), actual[i]);
            }
    }

    [Theory]
    [InlineData(-7, -7, 127)]  // a fused Relu: the clamp starts at the zero point
    [InlineData(-7, -5, 100)]  // a Clip above it
    [InlineData(20, 20, 127)]
    [InlineData(-128, -128, 127)]
    public void A_clamp_at_or_above_the_zero_point_gives_the_definition_on_negative_halves(int zeroPoint, int min, int max)
    {
        var rng = new Random(4);
        // Shifts 0 and 1 (half up), 2 (the folded half at its int32 limit), more, and the smallest scales.
        double[] reals = [0.5, 0.25, 0.2, 0.13, 0.0007, 0.0123, 0.99999, 1e-9];
        foreach (double real in reals)
        {
            const int pixels = 64;
            var acc = new int[2 * pixels];
            for (int i = 0; i < acc.Length; i++)
                acc[i] = (i % 8) switch
                {
                    0 => -1, 1 => -2, 2 => -3, 3 => rng.Next(-100, 100), 4 => int.MinValue / 2,
                    5 => int.MaxValue - 20, 6 => int.MinValue + 20, _ => rng.Next(-1 << 20, 1 << 20),
                };
            int[] bias = [0, rng.Next(-10, 10)];
            FixedPointMultiplier[] scales = [FixedPointMultiplier.FromReal(real), FixedPointMultiplier.FromReal(real * 0.77)];
            var actual = new sbyte[acc.Length];
            Requantize.Channels(acc, 2, pixels, bias, scales, zeroPoint, min, max, actual);
            for (int i = 0; i < acc.Length; i++)
                Assert.Equal(Requantize.One(acc[i] + bias[i / pixels], scales[i / pixels], zeroPoint, min, max), actual[i]);
            // A row (a dense layer's outputs), one multiplier per element sharing one shift, and the last eight on their own.
            for (int n = 8; n <= 40; n += 8)
            {
                var row = acc.AsSpan(0, n);
                var rowBias = new int[n];
                var multipliers = new int[n];
                var shifts = new int[n];
                for (int i = 0; i < n; i++)
                {
                    var s = FixedPointMultiplier.FromReal(real * (1 + i % 3 * 0.01));
                    (multipliers[i], shifts[i], rowBias[i]) = (s.Multiplier, scales[0].Shift, rng.Next(-3, 3));
                }
                var expected = new sbyte[n];
                var viaRow = new sbyte[n];
                Requantize.RowScalar(row, rowBias, multipliers, shifts, zeroPoint, min, max, expected);
                Requantize.Row(row, rowBias, multipliers, shifts, zeroPoint, min, max, viaRow);
                Assert.Equal(expected, viaRow);
            }
        }
    }
}
