using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class Int8ConvTests
{
    public static TheoryData<Int8Path> SupportedPaths() => Int8GemmTests.SupportedPaths();

    private static readonly (string Name, Int8ConvGeometry G)[] Cases =
    [
        ("1-D", Int8ConvGeometry.Create(3, 1, 40, 8, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
        ("1-D strided dilated", Int8ConvGeometry.Create(4, 1, 33, 6, 1, 3, 1, (1, 2), (1, 3), (0, 1, 0, 0))),
        ("2-D", Int8ConvGeometry.Create(3, 9, 7, 5, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("2-D strided asymmetric pads", Int8ConvGeometry.Create(2, 10, 11, 4, 3, 2, 1, (2, 3), (1, 1), (0, 1, 2, 0))),
        ("grouped", Int8ConvGeometry.Create(6, 5, 5, 4, 3, 3, 2, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("depthwise 2-D", Int8ConvGeometry.Create(8, 6, 6, 8, 3, 3, 8, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("depthwise 1-D", Int8ConvGeometry.Create(16, 1, 50, 16, 1, 7, 16, (1, 1), (1, 1), (0, 3, 0, 3))),
        ("pointwise wide", Int8ConvGeometry.Create(70, 2, 3, 9, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
    ];

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Gemm_based_convolution_matches_the_definition_on_every_path(Int8Path path)
    {
        var rng = new Random(3);
        foreach (var (name, g) in Cases)
        {
            var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
            var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng);
            for (int i = 0; i < w.Length; i++) if (w[i] == -128) w[i] = -127; // symmetric weights
            var bias = new int[g.OutChannels];
            for (int i = 0; i < bias.Length; i++) bias[i] = rng.Next(-5000, 5000);
            var scales = new FixedPointMultiplier[g.OutChannels];
            for (int i = 0; i < scales.Length; i++) scales[i] = FixedPointMultiplier.FromReal(0.001 + rng.NextDouble() * 0.01);
            int zx = rng.Next(-20, 20), zy = rng.Next(-10, 10);
            var (min, max) = name.Contains("1-D") ? Int8Clamp.Relu(zy) : (-128, 127);

            var expected = new sbyte[g.OutChannels * g.OutPixels];
            Int8Conv.Reference(g, x, w, bias, scales, zx, zy, min, max, expected);
            var actual = new sbyte[expected.Length];
            var scratch = new byte[g.ScratchBytes];
            Int8Conv.Run(g, x, Int8Conv.PackWeights(g, w), Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx), scales, zx, zy, min, max, actual, scratch, path);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} on {path}");
        }
    }

    /// <summary>Ungrouped shapes for <see cref="Int8ShiftedRowsConv"/>: odd channel counts (a pair half empty), output
    /// channels not a multiple of its 4-channel blocks, rows shorter and longer than a vector and not a multiple of it,
    /// strides (phases), dilations, asymmetric and oversized pads, 1x1 (one flat run), and the cnn1d and dscnn2d layers.</summary>
    public static readonly (string Name, Int8ConvGeometry G)[] UngroupedCases =
    [
        ("1-D odd channels", Int8ConvGeometry.Create(3, 1, 40, 8, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
        ("1-D strided dilated", Int8ConvGeometry.Create(4, 1, 33, 6, 1, 3, 1, (1, 2), (1, 3), (0, 1, 0, 0))),
        ("1-D stride 3 wide", Int8ConvGeometry.Create(5, 1, 150, 7, 1, 4, 1, (1, 3), (1, 1), (0, 3, 0, 2))),
        ("1-D one channel", Int8ConvGeometry.Create(1, 1, 70, 9, 1, 3, 1, (1, 1), (1, 1), (0, 1, 0, 1))),
        ("1-D cnn1d layer 1", Int8ConvGeometry.Create(3, 1, 256, 16, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
        ("1-D cnn1d layer 2", Int8ConvGeometry.Create(16, 1, 128, 32, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
        ("1-D cnn1d layer 3", Int8ConvGeometry.Create(32, 1, 64, 32, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
        ("1-D pads wider than the kernel", Int8ConvGeometry.Create(2, 1, 9, 3, 1, 3, 1, (1, 1), (1, 1), (0, 4, 0, 5))),
        ("2-D", Int8ConvGeometry.Create(3, 9, 7, 5, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("2-D strided asymmetric pads", Int8ConvGeometry.Create(2, 10, 11, 4, 3, 2, 1, (2, 3), (1, 1), (0, 1, 2, 0))),
        ("2-D dilated", Int8ConvGeometry.Create(6, 12, 13, 10, 3, 3, 1, (1, 1), (2, 2), (2, 2, 2, 2))),
        ("2-D stride 2 odd channels", Int8ConvGeometry.Create(3, 4, 45, 5, 3, 3, 1, (2, 2), (1, 1), (0, 2, 1, 1))),
        ("2-D dscnn2d stem", Int8ConvGeometry.Create(1, 32, 32, 16, 3, 3, 1, (2, 2), (1, 1), (1, 1, 1, 1))),
        // One channel strided by 2 along W: the column-pair plane, with every kernel width's parity, odd widths and pads.
        ("1-D one channel stride 2", Int8ConvGeometry.Create(1, 1, 61, 6, 1, 5, 1, (1, 2), (1, 1), (0, 2, 0, 2))),
        ("2-D one channel stride 2 odd width", Int8ConvGeometry.Create(1, 9, 31, 5, 3, 3, 1, (2, 2), (1, 1), (1, 1, 1, 1))),
        ("2-D one channel stride (1, 2) kernel 2", Int8ConvGeometry.Create(1, 6, 20, 4, 2, 2, 1, (1, 2), (1, 1), (0, 0, 1, 1))),
        ("2-D one channel stride 2 kernel 4 dilated rows", Int8ConvGeometry.Create(1, 11, 18, 7, 3, 4, 1, (2, 2), (2, 1), (2, 3, 0, 2))),
        ("2-D one channel stride 2 wide pads", Int8ConvGeometry.Create(1, 4, 5, 3, 1, 3, 1, (3, 2), (1, 1), (2, 4, 3, 5))),
        ("2-D one channel stride 2 kernel 1", Int8ConvGeometry.Create(1, 5, 40, 9, 1, 1, 1, (1, 2), (1, 1), (0, 0, 0, 1))),
        // One channel unstrided along W: overlapping column pairs (x[q], x[q + 1]), the kernel's columns two pairs apart.
        ("2-D one channel 3x3 same", Int8ConvGeometry.Create(1, 12, 20, 8, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("2-D one channel 3x3 valid (openWakeWord's stem)", Int8ConvGeometry.Create(1, 10, 32, 24, 3, 3, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
        ("1-D one channel kernel 4 uneven pads", Int8ConvGeometry.Create(1, 1, 50, 6, 1, 4, 1, (1, 1), (1, 1), (0, 2, 0, 1))),
        ("2-D one channel kernel 5 stride (2, 1) dilated rows", Int8ConvGeometry.Create(1, 11, 19, 5, 3, 5, 1, (2, 1), (2, 1), (1, 2, 1, 2))),
        ("2-D one channel kernel 2 wide pads", Int8ConvGeometry.Create(1, 4, 7, 3, 2, 2, 1, (1, 1), (1, 1), (2, 3, 1, 4))),
        ("2-D one channel kernel 3 narrow rows", Int8ConvGeometry.Create(1, 9, 3, 4, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("2-D 1x1 dscnn2d", Int8ConvGeometry.Create(16, 16, 16, 32, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
        ("2-D 1x1 odd", Int8ConvGeometry.Create(33, 3, 7, 17, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
        ("2-D 1x1 strided", Int8ConvGeometry.Create(8, 9, 9, 8, 1, 1, 1, (2, 2), (1, 1), (0, 0, 0, 0))),
        ("2-D 1x1 padded", Int8ConvGeometry.Create(4, 5, 6, 4, 1, 1, 1, (1, 1), (1, 1), (1, 1, 0, 2))),
        ("2-D wide rows", Int8ConvGeometry.Create(7, 3, 70, 12, 2, 5, 1, (1, 1), (1, 1), (1, 2, 0, 2))),
        ("pointwise wide", Int8ConvGeometry.Create(70, 2, 3, 9, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
        // Padded to keep their width, as openWakeWord's 1x3 layers: the rows end to end, a plane copy per kernel column
        // (Int8ShiftedRowsConv's WrappedColumns), with rows of 2 and 1, odd channels, dilation, asymmetric and one-sided pads.
        ("2-D 1x3 rows of 2", Int8ConvGeometry.Create(10, 8, 2, 12, 1, 3, 1, (1, 1), (1, 1), (0, 1, 0, 1))),
        ("2-D 3x3 rows of 4 odd", Int8ConvGeometry.Create(9, 14, 4, 7, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("2-D 1x3 rows of 8", Int8ConvGeometry.Create(12, 30, 8, 8, 1, 3, 1, (1, 1), (1, 1), (0, 1, 0, 1))),
        ("2-D 1x2 rows of 1", Int8ConvGeometry.Create(5, 6, 1, 4, 1, 2, 1, (1, 1), (1, 1), (0, 1, 0, 0))),
        ("2-D 1x3 pads on the right", Int8ConvGeometry.Create(6, 10, 7, 5, 1, 3, 1, (1, 1), (1, 1), (0, 0, 0, 2))),
        ("2-D 3x5 dilated wrapped", Int8ConvGeometry.Create(7, 9, 6, 9, 3, 5, 1, (1, 1), (1, 2), (2, 3, 0, 5))),
        ("2-D 1x5 rows of 3", Int8ConvGeometry.Create(8, 6, 3, 4, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
        // Narrow rows an unpadded kernel shortens: every row in one merged run (MergedRows).
        ("2-D 1x3 valid rows of 2", Int8ConvGeometry.Create(10, 8, 4, 12, 1, 3, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
    ];

    [Fact]
    public void Width_keeping_pads_wrap_the_rows_narrow_valid_rows_merge_and_the_rest_run_row_by_row()
    {
        var w = new sbyte[12 * 10 * 3];
        Int8ShiftedRowsConv Conv(int h, int width, (int, int) strides, (int, int, int, int) pads) =>
            new(Int8ConvGeometry.Create(10, h, width, 12, 1, 3, 1, strides, (1, 1), pads), w);
        foreach (int width in new[] { 2, 4, 8, 12, 20 })
        {
            var same = Conv(8, width, (1, 1), (0, 1, 0, 1));
            Assert.True(same.WrappedColumns && !same.MergedRows, $"width {width}");
        }
        // Rows of whole vectors: wrapping saves none, so a run per row.
        foreach (int width in new[] { 16, 32 })
            Assert.False(Conv(8, width, (1, 1), (0, 1, 0, 1)).WrappedColumns, $"width {width}");
        Assert.True(Conv(8, 4, (1, 1), (0, 0, 0, 2)).WrappedColumns);
        Assert.False(Conv(8, 2, (1, 1), (0, 0, 0, 2)).WrappedColumns);
        // A pad as wide as the row: the wrapped tap would reach two rows away.
        Assert.False(Conv(8, 1, (1, 1), (0, 1, 0, 1)).WrappedColumns);
        // The shapes the kernel tests run wrapped are.
        foreach (string name in new[] { "2-D 1x3 rows of 2", "2-D 3x3 rows of 4 odd", "2-D 1x3 rows of 8", "2-D 1x3 pads on the right", "2-D 3x5 dilated wrapped", "2-D 1x5 rows of 3" })
        {
            var g = UngroupedCases.Single(c => c.Name == name).G;
            Assert.True(new Int8ShiftedRowsConv(g, new sbyte[g.OutChannels * g.PatchSize]).WrappedColumns, name);
        }
        // Unpadded, narrow: merged; rows that fill their vectors: a run per row.
        Assert.True(Conv(8, 4, (1, 1), (0, 0, 0, 0)).MergedRows);
        var wide = Conv(8, 16, (1, 1), (0, 0, 0, 0)); // rows of 14 in a vector each: merging saves none
        Assert.False(wide.MergedRows || wide.WrappedColumns);
        // Strided: neither.
        var strided = Conv(8, 4, (2, 2), (0, 1, 0, 1));
        Assert.False(strided.MergedRows || strided.WrappedColumns);
    }

    /// <summary>The shifted-rows paths this machine can run: its plain C# blocking everywhere, AVX2 and AVX-512BW where supported.</summary>
    public static TheoryData<Int8Path> ShiftedRowsPaths()
    {
        var data = new TheoryData<Int8Path> { Int8Path.Scalar };
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) data.Add(Int8Path.Avx2);
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported) data.Add(Int8Path.Avx512BW);
        return data;
    }

    [Theory]
    [MemberData(nameof(ShiftedRowsPaths))]
    public void Shifted_rows_convolution_matches_the_definition(Int8Path path)
    {
        var rng = new Random(17);
        foreach (var (name, g) in UngroupedCases)
            for (int trial = 0; trial < 4; trial++)
            {
                var (x, w, bias, scales, zx, zy) = RandomLayer(g, rng, extremes: trial == 2, perTensor: trial == 1);
                if (trial == 3) // scales of one and more (a negative shift) among scales below one, within a block of channels
                    for (int i = 0; i < scales.Length; i++) scales[i] = FixedPointMultiplier.FromReal(i % 3 == 1 ? 1 + rng.NextDouble() * 3 : 0.2 + rng.NextDouble());
                var (min, max) = trial == 0 ? Int8Clamp.Relu(zy) : (-128, 127);
                var expected = new sbyte[g.OutChannels * g.OutPixels];
                Int8Conv.Reference(g, x, w, bias, scales, zx, zy, min, max, expected);
                var actual = new sbyte[expected.Length];
                var scratch = new byte[Int8ShiftedRowsConv.ScratchBytesFor(g)];
                rng.NextBytes(scratch); // the kernel must not read scratch it did not write
                new Int8ShiftedRowsConv(g, w).Run(x, Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx), scales, zx, zy, min, max,
                    actual, scratch, path);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} trial {trial} on {path}");
            }
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Prepared_weights_run_the_definition_on_every_path_without_allocating(Int8Path path)
    {
        var rng = new Random(23);
        foreach (var (name, g) in UngroupedCases.Concat(Cases))
        {
            var (x, w, bias, scales, zx, zy) = RandomLayer(g, rng, extremes: false, perTensor: false);
            var expected = new sbyte[g.OutChannels * g.OutPixels];
            Int8Conv.Reference(g, x, w, bias, scales, zx, zy, -128, 127, expected);
            var prepared = new Int8ConvWeights(g, w, path);
            // Ungrouped convolutions on AVX2/AVX-512BW take the shifted rows, or channel lanes where those idle (AVX-512BW).
            Assert.Equal(Int8ShiftedRowsConv.Applies(g) && Int8ShiftedRowsConv.KernelPath(path) is not null, prepared.ShiftedRows || prepared.ChannelLanes);
            // What bench --layers prints for the layer: the kernel taken and the path.
            Assert.StartsWith(prepared.ChannelLanes ? "channel lanes" : prepared.ShiftedRows ? "shifted rows" : g.IsDepthwise ? "depthwise" : "GEMM", prepared.Description);
            Assert.EndsWith($"({prepared.Path})", prepared.Description);
            var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);
            var actual = new sbyte[expected.Length];
            var scratch = new byte[g.ScratchBytes];
            prepared.Run(x, folded, scales, zx, zy, -128, 127, actual, scratch);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} on {path} ({prepared.Path})");
            long before = GC.GetAllocatedBytesForCurrentThread();
            prepared.Run(x, folded, scales, zx, zy, -128, 127, actual, scratch);
            _ = g.ScratchBytes; // a plan asks for it at every run
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static (sbyte[] X, sbyte[] W, int[] Bias, FixedPointMultiplier[] Scales, int Zx, int Zy) RandomLayer(Int8ConvGeometry g, Random rng,
        bool extremes, bool perTensor)
    {
        var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
        var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng);
        for (int i = 0; i < w.Length; i++) if (w[i] == -128) w[i] = -127; // symmetric weights
        if (extremes) // the largest products: every input -128 against weights of ±127
        {
            Array.Fill(x, (sbyte)-128);
            for (int i = 0; i < w.Length; i++) w[i] = (sbyte)(i % 3 == 0 ? 127 : -127);
        }
        var bias = new int[g.OutChannels];
        for (int i = 0; i < bias.Length; i++) bias[i] = rng.Next(-5000, 5000);
        var scales = new FixedPointMultiplier[perTensor ? 1 : g.OutChannels];
        for (int i = 0; i < scales.Length; i++) scales[i] = FixedPointMultiplier.FromReal((extremes ? 0.00001 : 0.001) + rng.NextDouble() * 0.01);
        int zx = extremes ? 127 : rng.Next(-20, 20), zy = rng.Next(-10, 10);
        return (x, w, bias, scales, zx, zy);
    }

    [Fact]
    public void Output_shape_follows_pads_strides_and_dilations()
    {
        var g = Int8ConvGeometry.Create(1, 1, 33, 1, 1, 3, 1, (1, 2), (1, 3), (0, 1, 0, 0));
        Assert.Equal((1, 14), (g.OutH, g.OutW)); // (33 + 1 - 7) / 2 + 1
        Assert.True(Int8ConvGeometry.Create(8, 6, 6, 8, 3, 3, 8, (1, 1), (1, 1), (1, 1, 1, 1)).IsDepthwise);
        Assert.Throws<ArgumentException>(() => Int8ConvGeometry.Create(3, 1, 4, 2, 1, 9, 1, (1, 1), (1, 1), (0, 0, 0, 0)));
        Assert.Throws<ArgumentException>(() => Int8ConvGeometry.Create(3, 1, 4, 2, 1, 1, 2, (1, 1), (1, 1), (0, 0, 0, 0)));
    }
}
