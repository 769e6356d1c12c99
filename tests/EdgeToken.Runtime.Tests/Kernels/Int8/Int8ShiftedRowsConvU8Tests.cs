using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

/// <summary><see cref="Int8ShiftedRowsConv"/>'s u8 x s8 kernels (vpmaddubsw on quads of channels), taken when every
/// channel pair's weights fit <see cref="U8S8Pairs"/> or the pairs that do not are split into a fitting part and a
/// remainder: the very int32 sums of the pair kernels and the definition, at the bound, over every shape of
/// <see cref="Int8ConvTests.UngroupedCases"/>; and the pair kernels when the remainders would cost more than quads save.</summary>
public class Int8ShiftedRowsConvU8Tests
{
    private static sbyte[] SevenBit(int length, Random rng)
    {
        var w = new sbyte[length];
        for (int i = 0; i < length; i++) w[i] = (sbyte)(rng.Next(3) == 0 ? (rng.Next(2) == 0 ? 64 : -64) : rng.Next(-64, 65));
        return w;
    }

    /// <summary>x at 127 and -128 (u8 255 and 0) most of the time, so pairs of the largest products meet.</summary>
    private static sbyte[] Extremes(int length, Random rng)
    {
        var x = new sbyte[length];
        for (int i = 0; i < length; i++) x[i] = rng.Next(5) switch { 0 or 1 => 127, 2 => -128, _ => (sbyte)rng.Next(-128, 128) };
        return x;
    }

    /// <summary>The u8 path's sums equal the pair kernel's (plain C#) with ==, channel by channel, and the requantized
    /// output equals the definition's.</summary>
    private static void AssertExact(Int8ConvGeometry g, sbyte[] x, sbyte[] w, int zx, Int8Path path, bool u8, string name, Random rng)
    {
        var conv = new Int8ShiftedRowsConv(g, w);
        Assert.True(u8 == conv.U8S8, $"{name}: u8 expected {u8}, remainders {conv.U8Remainders} of {conv.U8Steps}");
        var scratch = new byte[Int8ShiftedRowsConv.ScratchBytesFor(g)];
        var reference = new byte[scratch.Length];
        rng.NextBytes(scratch); // the kernel must not read scratch it did not write
        var expected = conv.Accumulate(x, zx, reference, Int8Path.Scalar).ToArray();
        var actual = conv.Accumulate(x, zx, scratch, path).ToArray();
        for (int m = 0; m < g.OutChannels; m++)
            Assert.True(expected.AsSpan(m * conv.AccumulatorStride, g.OutPixels).SequenceEqual(actual.AsSpan(m * conv.AccumulatorStride, g.OutPixels)),
                $"{name} on {path}: channel {m}");

        var bias = Enumerable.Range(0, g.OutChannels).Select(_ => rng.Next(-5000, 5000)).ToArray();
        var scales = Enumerable.Range(0, g.OutChannels).Select(_ => FixedPointMultiplier.FromReal(Math.Pow(2, -4 - rng.NextDouble() * 10))).ToArray();
        int zy = rng.Next(-20, 20);
        var y = new sbyte[g.OutChannels * g.OutPixels];
        Int8Conv.Reference(g, x, w, bias, scales, zx, zy, -128, 127, y);
        var z = new sbyte[y.Length];
        conv.Run(x, Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx), scales, zx, zy, -128, 127, z, scratch, path);
        Assert.True(y.AsSpan().SequenceEqual(z), $"{name} on {path}: output");
    }

    [Theory]
    [MemberData(nameof(Int8ConvTests.ShiftedRowsPaths), MemberType = typeof(Int8ConvTests))]
    public void Seven_bit_weights_give_the_pair_kernels_sums_at_the_bound(Int8Path path)
    {
        var rng = new Random(81);
        foreach (var (name, g) in Int8ConvTests.UngroupedCases)
            foreach (int zx in new[] { -128, 0, 37, 127 }) // the border holds the zero point: u8 0 and 255 among them
            {
                var x = Extremes(g.Channels * g.Height * g.Width, rng);
                var w = SevenBit(g.OutChannels * g.PatchSize, rng);
                AssertExact(g, x, w, zx, path, Int8ShiftedRowsConv.QuadsPay(g.Channels), name, rng);
            }
    }

    [Theory]
    [MemberData(nameof(Int8ConvTests.ShiftedRowsPaths), MemberType = typeof(Int8ConvTests))]
    public void Every_pair_at_the_bound_against_the_largest_inputs(Int8Path path)
    {
        var g = Int8ConvGeometry.Create(8, 1, 37, 6, 1, 3, 1, (1, 1), (1, 1), (0, 1, 0, 1));
        var rng = new Random(82);
        foreach (var (a, b) in new (sbyte, sbyte)[] { (64, 64), (-64, -64), (-128, 0), (0, -128), (100, -28) })
            foreach (sbyte value in new sbyte[] { 127, -128 })
            {
                // w [M, C, 1, 3]: channels 2p and 2p + 1 at every tap hold (a, b).
                var w = new sbyte[g.OutChannels * g.PatchSize];
                for (int m = 0; m < g.OutChannels; m++)
                    for (int c = 0; c < g.Channels; c++)
                        for (int t = 0; t < 3; t++) w[(m * g.Channels + c) * 3 + t] = c % 2 == 0 ? a : b;
                var x = Enumerable.Repeat(value, g.Channels * g.Width).ToArray();
                AssertExact(g, x, w, value, path, u8: true, $"pair ({a}, {b}) x {value}", rng);
            }
    }

    [Theory]
    [MemberData(nameof(Int8ConvTests.ShiftedRowsPaths), MemberType = typeof(Int8ConvTests))]
    public void One_pair_past_the_bound_is_split_and_stays_exact(Int8Path path)
    {
        var rng = new Random(83);
        foreach (var (name, g) in Int8ConvTests.UngroupedCases.Where(c => Int8ShiftedRowsConv.QuadsPay(c.G.Channels) && Int8ShiftedRowsConv.SplitPays(c.G, 1)))
        {
            var x = Extremes(g.Channels * g.Height * g.Width, rng);
            var w = SevenBit(g.OutChannels * g.PatchSize, rng);
            int taps = g.KernelH * g.KernelW, o = rng.Next(g.OutChannels), c = 2 * rng.Next(g.Channels / 2), t = rng.Next(taps);
            (w[(o * g.Channels + c) * taps + t], w[(o * g.Channels + c + 1) * taps + t]) = (65, -64); // 129
            AssertExact(g, x, w, 5, path, u8: true, name, rng);
            Assert.InRange(new Int8ShiftedRowsConv(g, w).U8Remainders, 0, 1); // none when another channel order pairs it away
        }
    }

    /// <summary>8-bit weights as a trained layer's look once quantized per channel: mostly small, each channel's largest
    /// at ±127, a few more past ±64 (here one in 32), so some pairs (about 6 %) exceed the bound, and -128 among them.</summary>
    private static sbyte[] EightBit(int length, Random rng)
    {
        var w = new sbyte[length];
        for (int i = 0; i < length; i++)
            w[i] = (sbyte)(rng.Next(32) == 0 ? (rng.Next(4) switch { 0 => 127, 1 => -128, 2 => -127, _ => rng.Next(-127, 128) }) : rng.Next(-40, 41));
        return w;
    }

    [Theory]
    [MemberData(nameof(Int8ConvTests.ShiftedRowsPaths), MemberType = typeof(Int8ConvTests))]
    public void Eight_bit_weights_split_into_quads_and_remainders_give_the_pair_kernels_sums(Int8Path path)
    {
        var rng = new Random(85);
        int split = 0;
        foreach (var (name, g) in Int8ConvTests.UngroupedCases)
            foreach (int zx in new[] { -128, 0, 127 })
            {
                var x = Extremes(g.Channels * g.Height * g.Width, rng);
                var w = EightBit(g.OutChannels * g.PatchSize, rng);
                var conv = new Int8ShiftedRowsConv(g, w);
                AssertExact(g, x, w, zx, path, conv.U8S8, name, rng);
                if (conv.U8S8 && conv.U8Remainders > 0) split++;
                Assert.True(!conv.U8S8 || Int8ShiftedRowsConv.QuadsPay(g.Channels), name);
            }
        Assert.True(split >= 10, $"only {split} cases ran split weights");
    }

    [Fact]
    public void The_split_keeps_every_weight_and_every_part_fits()
    {
        var rng = new Random(86);
        var g = Int8ConvGeometry.Create(10, 5, 9, 7, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1));
        int taps = 9, quads = 3;
        var w = new sbyte[g.OutChannels * g.PatchSize];
        for (int i = 0; i < w.Length; i++) w[i] = (sbyte)rng.Next(-128, 128);
        var tapOffsets = Enumerable.Range(0, taps).Select(t => 1000 * t).ToArray();
        var (fitted, r) = Int8ShiftedRowsConv.Split(g, w, 2, tapOffsets, 100);
        Assert.Equal(9, r.Starts.Length);
        var rebuilt = fitted.Select(v => (int)v).ToArray();
        for (int o = 0; o < g.OutChannels; o++)
            for (int e = r.Starts[o]; e < r.Starts[o + 1]; e++)
            {
                int t = r.Offsets[e] / 1000, q = r.Offsets[e] % 1000 / 100;
                Assert.True(t < taps && q < quads);
                for (int j = 0; j < 4; j++)
                {
                    sbyte part = (sbyte)(r.Quads[e] >> (8 * j));
                    if (part == 0) continue;
                    Assert.True(4 * q + j < g.Channels);
                    rebuilt[(o * g.Channels + 4 * q + j) * taps + t] += part;
                }
                Assert.True(U8S8Pairs.Fits((sbyte)r.Quads[e], (sbyte)(r.Quads[e] >> 8)) && U8S8Pairs.Fits((sbyte)(r.Quads[e] >> 16), (sbyte)(r.Quads[e] >> 24)));
            }
        Assert.Equal(w.Select(v => (int)v), rebuilt);
        for (int o = 0; o < g.OutChannels; o++)
            for (int c = 0; c + 1 < g.Channels; c += 2)
                for (int t = 0; t < taps; t++)
                    Assert.True(U8S8Pairs.Fits(fitted[(o * g.Channels + c) * taps + t], fitted[(o * g.Channels + c + 1) * taps + t]));
        Assert.True(r.Count > 0 && r.Starts[^1] == r.Count);
    }

    [Theory]
    [MemberData(nameof(Int8ConvTests.ShiftedRowsPaths), MemberType = typeof(Int8ConvTests))]
    public void Channels_are_paired_large_with_small_and_the_sums_stay_exact(Int8Path path)
    {
        // Channels 0, 1, 4 and 5 have large weights (90 to 127 in size), the others at most 1: in their own order every (0, 1) and (4, 5) pair
        // needs a remainder; paired large with small, none does.
        var rng = new Random(88);
        var g = Int8ConvGeometry.Create(8, 3, 21, 6, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1));
        var w = new sbyte[g.OutChannels * g.PatchSize];
        for (int o = 0; o < g.OutChannels; o++)
            for (int c = 0; c < g.Channels; c++)
                for (int t = 0; t < 9; t++)
                    w[(o * g.Channels + c) * 9 + t] = (sbyte)(c % 4 < 2 ? (rng.Next(2) == 0 ? 1 : -1) * rng.Next(90, 128) : rng.Next(-1, 2));
        var order = Int8ShiftedRowsConv.QuadOrder(g, w)!;
        Assert.Equal(Enumerable.Range(0, 8), order.Order());
        for (int p = 0; p < 8; p += 2) Assert.True(order[p] % 4 < 2 != order[p + 1] % 4 < 2, $"pair ({order[p]}, {order[p + 1]})");
        var conv = new Int8ShiftedRowsConv(g, w);
        Assert.Equal(0, conv.U8Remainders);
        AssertExact(g, Extremes(g.Channels * g.Height * g.Width, rng), w, 9, path, u8: true, "large and small channels", rng);
    }

    [Fact]
    public void The_build_time_answer_matches_the_kernel()
    {
        var rng = new Random(89);
        int u8 = 0;
        foreach (var (name, g) in Int8ConvTests.UngroupedCases.Where(c => Int8ShiftedRowsConv.QuadsPay(c.G.Channels)))
            foreach (var w in new[] { EightBit(g.OutChannels * g.PatchSize, rng), SevenBit(g.OutChannels * g.PatchSize, rng), Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng) })
            {
                var conv = new Int8ShiftedRowsConv(g, w);
                bool runs = Int8ShiftedRowsConv.RunsU8(w, g.OutChannels, g.Channels, g.KernelH * g.KernelW, out double share);
                Assert.True(runs == conv.U8S8, name);
                Assert.Equal(conv.U8S8 ? (double)conv.U8Remainders / conv.U8Steps : 0, share, 12);
                if (runs) u8++;
            }
        Assert.True(u8 >= 10, $"{u8}");
    }

    [Fact]
    public void Weights_with_too_many_remainders_keep_the_pair_kernels()
    {
        var rng = new Random(87);
        var g = Int8ConvGeometry.Create(16, 1, 64, 8, 1, 3, 1, (1, 1), (1, 1), (0, 1, 0, 1));
        var uniform = new sbyte[g.OutChannels * g.PatchSize];
        for (int i = 0; i < uniform.Length; i++) uniform[i] = (sbyte)rng.Next(-127, 128); // half the pairs past the bound
        Assert.False(new Int8ShiftedRowsConv(g, uniform).U8S8);
        Assert.True(new Int8ShiftedRowsConv(g, EightBit(uniform.Length, rng)).U8S8);
    }

    [Fact]
    public void Quads_pay_from_three_channels_except_five_and_six()
    {
        Assert.Equal(new[] { false, false, true, true, false, false, true, true }, Enumerable.Range(1, 8).Select(Int8ShiftedRowsConv.QuadsPay));
        Assert.True(Int8ShiftedRowsConv.QuadsPay(16));
    }

    public static TheoryData<Int8Path, int> PathsAndBits()
    {
        var data = new TheoryData<Int8Path, int>();
        foreach (var p in Int8Paths.Supported())
            foreach (int bits in new[] { 7, 8 }) data.Add(p, bits);
        return data;
    }

    /// <summary>Through <see cref="Int8ConvWeights"/>, with the sums requantized from scratch and, given narrow
    /// requantizations, in the kernel's registers (AVX-512BW): 7-bit weights and 8-bit ones with remainders.</summary>
    [Theory]
    [MemberData(nameof(PathsAndBits))]
    public void Prepared_weights_run_the_definition_without_allocating(Int8Path path, int bits)
    {
        var rng = new Random(84 + bits);
        foreach (var (name, g) in Int8ConvTests.UngroupedCases)
        {
            var x = Extremes(g.Channels * g.Height * g.Width, rng);
            var w = bits == 7 ? SevenBit(g.OutChannels * g.PatchSize, rng) : EightBit(g.OutChannels * g.PatchSize, rng);
            var bias = Enumerable.Range(0, g.OutChannels).Select(_ => rng.Next(-5000, 5000)).ToArray();
            var scales = Enumerable.Range(0, g.OutChannels).Select(_ => FixedPointMultiplier.FromReal(0.001 + rng.NextDouble() * 0.01)).ToArray();
            var expected = new sbyte[g.OutChannels * g.OutPixels];
            Int8Conv.Reference(g, x, w, bias, scales, -3, 2, -128, 127, expected);
            var prepared = new Int8ConvWeights(g, w, path);
            if (bits == 7) Assert.Equal(prepared.ShiftedRows && Int8ShiftedRowsConv.QuadsPay(g.Channels), prepared.U8S8);
            var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, -3);
            var narrow = prepared.Narrow(folded, scales, 2, -128, 127);
            var scratch = new byte[g.ScratchBytes];
            foreach (var n in new[] { null, narrow })
            {
                var actual = new sbyte[expected.Length];
                prepared.Run(x, folded, scales, -3, 2, -128, 127, actual, scratch, n);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} on {path} ({prepared.Description}, narrow {n is not null})");
                long before = GC.GetAllocatedBytesForCurrentThread();
                prepared.Run(x, folded, scales, -3, 2, -128, 127, actual, scratch, n);
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }
    }
}
