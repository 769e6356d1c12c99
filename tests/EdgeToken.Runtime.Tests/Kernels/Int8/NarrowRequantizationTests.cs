using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

/// <summary><see cref="NarrowRequantization"/>: the 32-bit requantization gives <see cref="Requantize.One"/>'s bytes for
/// every accumulator a channel's weights can give, refuses where a sum could overflow, and every convolution kernel that
/// takes it (shifted rows with and without the fused epilogue, depthwise, the GEMM path) gives the definition's bytes.</summary>
public class NarrowRequantizationTests
{
    [Fact]
    public void Rounding_a_multiplier_keeps_the_leading_bits_and_the_scale_within_two_to_the_minus_bits()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 2000; trial++)
        {
            var full = FixedPointMultiplier.FromReal(Math.Pow(2, -rng.NextDouble() * 20));
            int bits = rng.Next(1, 32);
            var narrow = full.WithSignificantBits(bits);
            Assert.True(Math.Abs(narrow.Real / full.Real - 1) <= Math.Pow(2, -bits), $"{full} to {bits} bits: {narrow}");
            Assert.InRange(narrow.Multiplier, 1 << 30, int.MaxValue);
            if (bits < 31) Assert.Equal(0, narrow.Multiplier & ((1 << (31 - bits)) - 1));
        }
        // the carry out of the top bit renormalises: 2^31 - 1 rounds to 2^31 = 2^30 with one shift less
        Assert.Equal(new FixedPointMultiplier(1 << 30, 4), new FixedPointMultiplier(int.MaxValue, 5).WithSignificantBits(10));
    }

    [Fact]
    public void Every_accumulator_in_range_gives_the_definitions_byte()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 400; trial++)
        {
            var w = new sbyte[rng.Next(1, 300)];
            foreach (ref var v in w.AsSpan()) v = (sbyte)rng.Next(-127, 128);
            var (low, high) = NarrowRequantization.AccumulatorRange(w);
            int bias = rng.Next(-200_000, 200_000), zy = rng.Next(-128, 128);
            var (min, max) = (trial % 3) switch { 0 => Int8Clamp.Relu(zy), 1 => (-128, 127), _ => (Math.Max(-128, zy - 40), Math.Min(127, zy + 50)) };
            var full = FixedPointMultiplier.FromReal(Math.Pow(2, -2 - rng.NextDouble() * 14));
            long magnitude = Math.Max(Math.Abs(low + bias), Math.Abs(high + bias));
            int bits = NarrowRequantization.SignificantBits(magnitude, full.Shift, zy);
            if (bits == 0) continue;
            var scale = full.WithSignificantBits(bits);
            Assert.True(NarrowRequantization.TryCreate(scale, bias, low, high, zy, min, max, out var n), $"{scale} at {bits} bits over [{low}, {high}] + {bias}");
            Assert.Equal(!Requantize.ClampsAtZero(zy, min), n.SignTerm);
            // both ends, exact halves around zero, and random sums between
            var sums = new List<long> { low, high, 0, -bias, -bias - 1, -bias + 1 };
            for (int i = 0; i < 200; i++) sums.Add(low + (long)(rng.NextDouble() * (high - low)));
            for (int i = 1; i < 4; i++) { sums.Add(-bias + i); sums.Add(-bias - i); }
            foreach (long a in sums)
            {
                if (a < low || a > high) continue;
                Assert.Equal(Requantize.One((int)a + bias, scale, zy, min, max), n.Apply((int)a));
            }
        }
    }

    [Fact]
    public void A_range_whose_products_could_overflow_is_refused()
    {
        var scale = FixedPointMultiplier.FromReal(0.001); // 31 significant bits
        Assert.False(NarrowRequantization.TryCreate(scale, 0, -1000, 1000, 0, -128, 127, out _));
        var rounded = scale.WithSignificantBits(12);
        Assert.True(NarrowRequantization.TryCreate(rounded, 0, -1000, 1000, 0, -128, 127, out _));
        // the bias counts: a range that fits alone, pushed past the bound by the bias
        int m = rounded.Multiplier >> System.Numerics.BitOperations.TrailingZeroCount(rounded.Multiplier);
        long edge = (int.MaxValue - (1L << 24)) / m;
        Assert.False(NarrowRequantization.TryCreate(rounded, (int)edge, -edge, edge, 0, -128, 127, out _));
        // sums far past any int32 (a channel of millions of weights) are refused, not wrapped around
        Assert.False(NarrowRequantization.TryCreate(scale, 0, -(1L << 40), 1L << 40, 0, -128, 127, out _));
        Assert.Equal(0, NarrowRequantization.SignificantBits(1L << 40, 5, 0));
        // a scale above one (a negative shift) with few bits has no room for the shift
        Assert.False(NarrowRequantization.TryCreate(new FixedPointMultiplier(1 << 30, -20).WithSignificantBits(4), 0, -10, 10, 0, -128, 127, out _));
    }

    [Fact]
    public void The_vector_plane_gives_the_references_bytes_for_every_length()
    {
        var rng = new Random(5);
        foreach (bool relu in new[] { false, true })
            for (int length = 0; length <= 70; length++)
            {
                int zy = rng.Next(-30, 30);
                var (min, max) = relu ? Int8Clamp.Relu(zy) : (-128, 127);
                var scale = FixedPointMultiplier.FromReal(0.0003 + rng.NextDouble() * 0.001).WithSignificantBits(11);
                int bias = rng.Next(-50_000, 50_000);
                Assert.True(NarrowRequantization.TryCreate(scale, bias, -500_000, 500_000, zy, min, max, out var n));
                var acc = new int[length];
                for (int i = 0; i < length; i++) acc[i] = i % 7 == 0 ? (i % 2 == 0 ? 500_000 : -500_000) : rng.Next(-500_000, 500_001);
                var y = new sbyte[length];
                Requantize.Plane(acc, n, y);
                for (int i = 0; i < length; i++) Assert.Equal(Requantize.One(acc[i] + bias, scale, zy, min, max), y[i]);
            }
    }

    [Fact]
    public void Exact_halves_round_away_from_zero_on_both_sides_in_the_vector_plane_and_the_reference()
    {
        // m odd and small, so that (acc + bias) · m / 2^s lands on halves inside the int8 range: v = j · 2^(s-1), j odd.
        foreach (int m in new[] { 1, 3, 5, 7, 101 })
            foreach (int s in new[] { 2, 5, 11, 20 })
                foreach (bool relu in new[] { false, true })
                {
                    int zy = relu ? -9 : 4, bias = 12345;
                    var (min, max) = relu ? Int8Clamp.Relu(zy) : (-128, 127);
                    int k = System.Numerics.BitOperations.LeadingZeroCount((uint)m) - 1; // m << k in [2^30, 2^31)
                    var scale = new FixedPointMultiplier(m << k, s + k - 31);
                    var acc = new List<int>();
                    long reach = Math.Min(41, (1L << 29) / ((long)m << (s - 1))) | 1; // keeps m · v well inside an int32
                    for (long j = -reach; j <= reach; j += 2) { long v = j << (s - 1); acc.Add((int)(v - bias)); acc.Add((int)(v - bias + 1)); acc.Add((int)(v - bias - 1)); }
                    Assert.True(NarrowRequantization.TryCreate(scale, bias, acc.Min(), acc.Max(), zy, min, max, out var n), $"m {m}, s {s}");
                    Assert.Equal(m, n.Multiplier);
                    var y = new sbyte[acc.Count];
                    Requantize.Plane(acc.ToArray(), n, y);
                    for (int i = 0; i < acc.Count; i++)
                    {
                        sbyte expected = Requantize.One(acc[i] + bias, scale, zy, min, max);
                        Assert.Equal(expected, n.Apply(acc[i]));
                        Assert.True(expected == y[i], $"m {m}, s {s}, relu {relu}: {acc[i] + bias} gave {y[i]}, not {expected}");
                    }
                }
    }

    public static TheoryData<Int8Path> Paths() => Int8ConvTests.ShiftedRowsPaths();

    [Theory]
    [MemberData(nameof(Paths))]
    public void Convolutions_with_narrow_requantization_match_the_definition(Int8Path path)
    {
        var rng = new Random(19);
        var cases = Int8ConvTests.UngroupedCases.Concat(Int8DepthwiseConvTests.Cases)
            .Append(("grouped 2", Int8ConvGeometry.Create(8, 6, 7, 6, 3, 3, 2, (1, 1), (1, 1), (1, 1, 1, 1))))
            .Append(("1x1 64 pixels, 7 channels out", Int8ConvGeometry.Create(16, 8, 8, 7, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))));
        int fused = 0;
        foreach (var (name, g) in cases)
            for (int trial = 0; trial < 3; trial++)
            {
                var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
                // trial 1: 7-bit weights, which take the u8 kernels (and on AVX-512BW and AVX2 their fused epilogue where it applies)
                var w = new sbyte[g.OutChannels * g.PatchSize];
                foreach (ref var v in w.AsSpan()) v = (sbyte)(trial == 1 ? rng.Next(-64, 65) : rng.Next(-127, 128));
                if (trial == 2) { Array.Fill(x, sbyte.MinValue); for (int i = 0; i < w.Length; i++) w[i] = (sbyte)(i % 3 == 0 ? 127 : -127); }
                int zx = rng.Next(-20, 20), zy = rng.Next(-10, 10);
                var (min, max) = trial == 0 ? Int8Clamp.Relu(zy) : (-128, 127);
                var bias = Enumerable.Range(0, g.OutChannels).Select(_ => rng.Next(-5000, 5000)).ToArray();
                var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);
                var scales = NarrowScales(g, w, folded, zy, rng);
                var expected = new sbyte[g.OutChannels * g.OutPixels];
                Int8Conv.Reference(g, x, w, bias, scales, zx, zy, min, max, expected);
                var weights = new Int8ConvWeights(g, w, path);
                var narrow = weights.Narrow(folded, scales, zy, min, max);
                Assert.NotNull(narrow);
                var actual = new sbyte[expected.Length];
                var scratch = new byte[g.ScratchBytes];
                rng.NextBytes(scratch);
                weights.Run(x, folded, scales, zx, zy, min, max, actual, scratch, narrow);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}, trial {trial}, on {weights.Path}");
                if (weights.FusesRequantization) fused++;
            }
        // AVX-512BW and AVX2 requantize in the blocks' registers where runs are whole vectors of 16 (the 1x1 dscnn2d and
        // cnn1d layers among them); the other paths from the stored sums.
        if (path is Int8Path.Avx512BW or Int8Path.Avx2) Assert.True(fused >= 3, $"{fused} fused convolutions");
        else Assert.Equal(0, fused);
    }

    [Fact]
    public void The_quantizers_bit_count_is_the_most_that_fits()
    {
        foreach (long magnitude in new long[] { 1, 1000, 300_000, 2_000_000, 30_000_000 })
            foreach (int shift in new[] { 0, 5, 9, 14 })
                foreach (int zy in new[] { -128, 0, 90 })
                {
                    int bits = NarrowRequantization.SignificantBits(magnitude, shift, zy);
                    if (bits == 0) continue;
                    var at = new FixedPointMultiplier(int.MaxValue, shift).WithSignificantBits(bits);
                    Assert.True(at.Multiplier == 1 << 30 || NarrowRequantization.TryCreate(at, 0, -magnitude, magnitude, zy, zy, 127, out _),
                        $"{bits} bits for {magnitude}, shift {shift}, zero point {zy}");
                    if (bits < 31 && bits + 1 + shift <= 30)
                        Assert.False(NarrowRequantization.TryCreate(new FixedPointMultiplier(int.MaxValue >> (30 - bits) << (30 - bits), shift), 0, -magnitude, magnitude, zy, zy, 127, out _),
                            $"{bits + 1} bits for {magnitude}, shift {shift}, zero point {zy}");
                }
    }

    /// <summary>Per-channel multipliers rounded as the quantizer rounds them (to the bits that keep every product in an
    /// int32), so every channel of <paramref name="w"/> has a narrow form.</summary>
    internal static FixedPointMultiplier[] NarrowScales(Int8ConvGeometry g, sbyte[] w, int[] folded, int zy, Random rng)
    {
        var scales = new FixedPointMultiplier[g.OutChannels];
        int k = g.PatchSize;
        for (int c = 0; c < scales.Length; c++)
        {
            var full = FixedPointMultiplier.FromReal(Math.Pow(2, -6 - rng.NextDouble() * 8));
            var (low, high) = NarrowRequantization.AccumulatorRange(w.AsSpan(c * k, k));
            int bits = NarrowRequantization.SignificantBits(Math.Max(Math.Abs(low + folded[c]), Math.Abs(high + folded[c])), full.Shift, zy);
            Assert.True(bits > 0, $"channel {c} has no narrow form");
            scales[c] = full.WithSignificantBits(bits);
        }
        return scales;
    }
}
