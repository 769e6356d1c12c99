using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;
using EdgeToken.Runtime.Tests.Kernels.Sparse;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

/// <summary>The ARM64 dot-product form of <see cref="Int8ShiftedRowsConv"/>: signed quad plane, quad weights of any int8
/// values. Here its blocking runs in plain C# (the sdot path itself runs under qemu in <c>EdgeToken.Int8Check</c>, which
/// <c>Int8Arm64Tests</c> publishes for linux-arm64): the same int32 sums as the pair kernels and the definition's bytes.</summary>
public class Int8ShiftedRowsConvDotTests
{
    [Fact]
    public void The_dot_blocking_gives_the_pair_kernels_sums_and_the_definitions_bytes()
    {
        var rng = new Random(23);
        int ran = 0;
        foreach (var (name, g) in Int8ConvTests.UngroupedCases)
        {
            if (!Int8ShiftedRowsConv.DotApplies(g)) continue;
            for (int trial = 0; trial < 2; trial++)
            {
                var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
                var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng); // -128 included: no pair bound for sdot
                if (trial == 1) { Array.Fill(x, sbyte.MinValue); Array.Fill(w, sbyte.MinValue); } // the largest products
                int zx = trial == 1 ? 127 : rng.Next(-20, 20), zy = rng.Next(-10, 10);
                var dot = Int8ShiftedRowsConv.ForDot(g, w);
                Assert.False(dot.U8S8, name);
                AssertSumsAndBytes($"{name}, trial {trial}", g, x, w, zx, zy, new Int8ShiftedRowsConv(g, w), dot, rng);
                ran++;
            }
        }
        Assert.True(ran >= 20, $"{ran} convolutions");
    }

    /// <summary>The sparse dot form pairs a block's kept (channel pair, tap) units into sdot quads through a table lookup,
    /// a pattern per pair of units for the halves of their quads they sit in; an odd count leaves one unit with a zero
    /// twin. Its blocking in plain C# must give the sparse pair kernel's sums, which the dense kernel's sparse tests hold
    /// to the definition, and the definition's bytes.</summary>
    [Fact]
    public void The_sparse_dot_blocking_gives_the_sparse_pair_kernels_sums_and_the_definitions_bytes()
    {
        var rng = new Random(29);
        int ran = 0, odd = 0;
        foreach (var (name, g) in SparseConvTests.Int8Cases())
        {
            if (!Int8ShiftedRowsConv.DotApplies(g)) continue;
            int taps = g.KernelH * g.KernelW;
            foreach (var (n, panel) in new[] { (2, 12), (1, 4), (3, 8) })
            {
                var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
                var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng); // -128 included: no pair bound for sdot
                SparseConvTests.RandomNm(w, g.OutChannels, g.PatchSize, SparseConv.PairTapColumns(g.Channels, taps), 2, n, 4, panel, rng);
                Assert.True(SparseConv.TryCompressInt8(w, g.OutChannels, g.Channels, taps, n, 4, panel, out var values, out var indices), name);
                int zx = rng.Next(-20, 20), zy = rng.Next(-10, 10);
                var dot = Int8ShiftedRowsConv.ForSparseDot(g, values, indices, n, 4, panel);
                Assert.True(dot.Sparse && dot.Dot && !dot.U8S8, name);
                AssertSumsAndBytes($"{name}, {n}:4 panel {panel}", g, x, w, zx, zy, new Int8ShiftedRowsConv(g, values, indices, n, 4, panel), dot, rng);
                ran++;
                if (NmSparse.Kept(SparseConv.Padded(SparseConv.Units(g.Channels, taps), 4), n, 4) % 2 == 1) odd++;
            }
        }
        Assert.True(ran >= 30, $"{ran} convolutions");
        Assert.True(odd >= 3, $"{odd} with an odd count of kept units");
    }

    /// <summary>On ARM64 the dot kernel requantizes in its registers when every lane it stores is an output: whole blocks of
    /// four channels, runs of whole vectors of four pixels, rows not merged (the bytes themselves are checked under qemu
    /// by EdgeToken.Int8Check, dense and 2:4).</summary>
    [Fact]
    public void The_dot_kernel_fuses_the_requantization_where_every_stored_lane_is_an_output()
    {
        static bool Fuses(Int8ConvGeometry g) => new Int8ConvWeights(g, new sbyte[g.OutChannels * g.PatchSize], Int8Path.AdvSimdDot).FusesRequantization;
        Assert.True(Fuses(Int8ConvGeometry.Create(16, 8, 8, 8, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)))); // pointwise: one run of 64
        Assert.True(Fuses(Int8ConvGeometry.Create(16, 1, 20, 12, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2)))); // a run of 20: 16 + 4
        Assert.False(Fuses(Int8ConvGeometry.Create(16, 1, 64, 10, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2)))); // 10 channels: a part block
        Assert.False(Fuses(Int8ConvGeometry.Create(16, 1, 30, 12, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2)))); // a run of 30
        Assert.False(new Int8ConvWeights(Int8ConvGeometry.Create(16, 8, 8, 8, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)), new sbyte[128], Int8Path.Scalar).FusesRequantization);
    }

    /// <summary><paramref name="dot"/>'s blocking in plain C# (scratch filled with noise first) gives
    /// <paramref name="reference"/>'s int32 sums channel by channel, and its bytes are the definition's on w.</summary>
    private static void AssertSumsAndBytes(string label, Int8ConvGeometry g, sbyte[] x, sbyte[] w, int zx, int zy,
        Int8ShiftedRowsConv reference, Int8ShiftedRowsConv dot, Random rng)
    {
        var expected = reference.Accumulate(x, zx, new byte[Int8ShiftedRowsConv.ScratchBytesFor(g)], Int8Path.Scalar).ToArray();
        var scratch = new byte[Int8ShiftedRowsConv.ScratchBytesFor(g)];
        rng.NextBytes(scratch);
        var actual = dot.Accumulate(x, zx, scratch, Int8Path.Scalar).ToArray();
        for (int m = 0; m < g.OutChannels; m++)
            Assert.True(expected.AsSpan(m * reference.AccumulatorStride, g.OutPixels).SequenceEqual(actual.AsSpan(m * dot.AccumulatorStride, g.OutPixels)),
                $"{label}: channel {m}");

        var bias = Enumerable.Range(0, g.OutChannels).Select(_ => rng.Next(-5000, 5000)).ToArray();
        var scales = Enumerable.Range(0, g.OutChannels).Select(_ => FixedPointMultiplier.FromReal(Math.Pow(2, -6 - rng.NextDouble() * 10))).ToArray();
        var definition = new sbyte[g.OutChannels * g.OutPixels];
        Int8Conv.Reference(g, x, w, bias, scales, zx, zy, -128, 127, definition);
        var y = new sbyte[definition.Length];
        dot.Run(x, Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx), scales, zx, zy, -128, 127, y, scratch, Int8Path.Scalar);
        Assert.True(definition.AsSpan().SequenceEqual(y), $"{label}: output");
    }

    [Fact]
    public void The_dot_form_is_for_ungrouped_convolutions_of_three_or_more_channels()
    {
        Assert.True(Int8ShiftedRowsConv.DotApplies(Int8ConvGeometry.Create(3, 1, 40, 8, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))));
        Assert.False(Int8ShiftedRowsConv.DotApplies(Int8ConvGeometry.Create(2, 1, 40, 8, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))));
        Assert.False(Int8ShiftedRowsConv.DotApplies(Int8ConvGeometry.Create(8, 6, 6, 4, 3, 3, 2, (1, 1), (1, 1), (1, 1, 1, 1)))); // grouped
        Assert.False(Int8ShiftedRowsConv.DotApplies(Int8ConvGeometry.Create(8, 6, 6, 8, 3, 3, 8, (1, 1), (1, 1), (1, 1, 1, 1)))); // depthwise
        Assert.Throws<ArgumentException>(() => Int8ShiftedRowsConv.ForDot(Int8ConvGeometry.Create(1, 5, 40, 9, 1, 1, 1, (1, 2), (1, 1), (0, 0, 0, 1)), new sbyte[9]));
    }
}
