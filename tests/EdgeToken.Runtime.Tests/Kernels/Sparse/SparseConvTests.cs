using EdgeToken.Runtime.Kernels.Convolution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;
using EdgeToken.Runtime.Tests.Kernels.Int8;
using static EdgeToken.Runtime.Tests.Kernels.NodeHarness;

namespace EdgeToken.Runtime.Tests.Kernels.Sparse;

public class SparseConvTests
{
    /// <summary>Zeroes a random N:M choice of units per panel of rows in w [rows, cols]: each unit is
    /// <paramref name="width"/> columns of <paramref name="unitColumns"/> (-1: none), as the pruner writes them.</summary>
    internal static void RandomNm<T>(T[] w, int rows, int cols, int[] unitColumns, int width, int n, int m, int panel, Random rng) where T : unmanaged
    {
        int units = unitColumns.Length / width;
        for (int r0 = 0; r0 < rows; r0 += panel)
            for (int g = 0; g < units; g += m)
            {
                var drop = Enumerable.Range(g, Math.Min(m, units - g)).OrderBy(_ => rng.Next()).Skip(n).ToList();
                foreach (int u in drop)
                    for (int i = 0; i < width; i++)
                        if (unitColumns[u * width + i] is int c and >= 0)
                            for (int r = r0; r < Math.Min(rows, r0 + panel); r++) w[r * cols + c] = default;
            }
    }

    private static int[] EachColumn(int cols) => Enumerable.Range(0, cols).ToArray();

    /// <summary>Float shapes: 1-D and 2-D, strides 1 and 2, pads (asymmetric), dilation, odd channel counts, output channels
    /// that are not a multiple of the 6-channel panels nor of the 12-channel masks, the cnn1d layers, pointwise.</summary>
    public static TheoryData<string, int[], int[], int[], int[], int[]> FloatCases() => new()
    {
        // name, x dims, w dims, strides, dilations, pads
        { "1-D cnn1d layer 1 (depth 15, padded to 16)", [1, 3, 256], [16, 3, 5], [1], [1], [2, 2] },
        { "1-D cnn1d layer 2", [1, 16, 128], [32, 16, 5], [1], [1], [2, 2] },
        { "1-D cnn1d layer 3", [1, 32, 64], [32, 32, 5], [1], [1], [2, 2] },
        { "1-D odd channels stride 2", [2, 5, 40], [13, 5, 4], [2], [1], [1, 2] },
        { "1-D dilated", [1, 3, 50], [7, 3, 4], [1], [2], [3, 3] },
        { "1-D pointwise", [1, 64, 37], [20, 64, 1], [1], [1], [0, 0] },
        { "2-D asymmetric pads", [1, 3, 9, 11], [14, 3, 2, 2], [1, 1], [1, 1], [1, 1, 0, 1] },
        { "2-D stride 2", [1, 7, 12, 13], [12, 7, 2, 2], [2, 2], [1, 1], [1, 1, 1, 1] },
        { "2-D 3x3", [2, 4, 10, 10], [25, 4, 3, 3], [1, 1], [1, 1], [1, 1, 1, 1] },
        { "2-D pointwise", [1, 32, 8, 8], [48, 32, 1, 1], [1, 1], [1, 1], [0, 0, 0, 0] },
        { "2-D stem (depth 9, padded to 12)", [1, 1, 12, 12], [8, 1, 3, 3], [2, 2], [1, 1], [1, 1, 1, 1] },
        { "2-D depth 18 (padded to 20)", [1, 2, 7, 9], [10, 2, 3, 3], [1, 1], [1, 1], [1, 1, 1, 1] },
    };

    [Theory]
    [MemberData(nameof(FloatCases))]
    public void Float_sparse_conv_equals_the_dense_conv_on_the_pruned_weights(string name, int[] xDims, int[] wDims, int[] strides, int[] dilations, int[] pads)
    {
        var rng = new Random(name.Length * 31 + wDims[0]);
        int rows = wDims[0], depth = wDims.Skip(1).Aggregate(1, (a, b) => a * b);
        foreach (var (n, panel, relu) in new[] { (2, 12, false), (1, 6, true), (3, 24, false) })
        {
            var x = KernelAssert.Random(xDims.Aggregate(1, (a, b) => a * b), rng.Next());
            var w = KernelAssert.Random(rows * depth, rng.Next());
            var bias = KernelAssert.Random(rows, rng.Next());
            RandomNm(w, rows, depth, EachColumn(depth), 1, n, 4, panel, rng);
            Assert.True(SparseConv.TryCompressFloat(w, rows, depth, n, 4, panel, out var values, out var indices));
            var common = new List<(string, object)> { ("strides", strides), ("dilations", dilations), ("pads", pads) };
            if (relu) common.Add((FusedActivation.AttributeName, "Relu"));
            var dense = RunFloats("Conv", Attrs([.. common]), [F(xDims, x), F(wDims, w), F([rows], bias)], true, out var denseDims);
            var sparseAttrs = Attrs([.. common, (SparseConv.WeightShape, wDims), ("nm_n", n), ("nm_m", 4), ("panel", panel)]);
            var sparse = RunFloats(SparseConv.Float, sparseAttrs,
                [F(xDims, x), F([rows, values.Length / rows], values), ConstantTensor.FromArray(ElementType.UInt8, [NmSparse.Panels(rows, panel), NmSparse.IndexBytesPerPanel(values.Length / rows)], indices), F([rows], bias)],
                true, out var sparseDims);
            Assert.Equal(denseDims, sparseDims);
            // The same micro-kernel over the same products; only the panels of at most 3 channels, which sum even and odd
            // depth steps apart, add in another order.
            KernelAssert.Close(dense, sparse, rtol: 1e-5f, atol: 1e-5f);
            var reference = new float[dense.Length];
            var g = ConvGeometry.ForConv(new NodeContext("ref", SparseConv.Float, 22, sparseAttrs,
                [new TensorInfo(ElementType.Float32, xDims), new TensorInfo(ElementType.Float32, [rows, values.Length / rows]), new TensorInfo(ElementType.UInt8, [1, 1])],
                new ConstantTensor?[3], 1), wDims, biasInput: 3);
            SparseConv.Reference(g, x, values, indices, n, 4, panel, bias, reference);
            if (relu) for (int i = 0; i < reference.Length; i++) reference[i] = Math.Max(0, reference[i]);
            KernelAssert.Close(reference, sparse, rtol: 1e-4f, atol: 1e-5f);
        }
    }

    [Fact]
    public void Float_sparse_conv_allocates_nothing_per_run()
    {
        int[] xDims = [1, 16, 128], wDims = [32, 16, 5];
        var rng = new Random(5);
        var w = KernelAssert.Random(32 * 80, 1);
        RandomNm(w, 32, 80, EachColumn(80), 1, 2, 4, 12, rng);
        Assert.True(NmSparse.TryCompress<float>(w, 32, 80, 2, 4, 12, out var values, out var indices));
        var h = new NodeHarness(SparseConv.Float, Attrs(("pads", new[] { 2, 2 }), (SparseConv.WeightShape, wDims), ("nm_n", 2), ("nm_m", 4), ("panel", 12)),
            [F(xDims, KernelAssert.Random(16 * 128, 2)), F([32, 40], values), ConstantTensor.FromArray(ElementType.UInt8, [3, 10], indices)], true);
        h.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) h.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Panels_that_split_a_kernel_block_are_refused()
    {
        var w = new float[12 * 16];
        Assert.True(NmSparse.TryCompress<float>(w, 12, 16, 2, 4, 8, out var values, out var indices));
        Assert.Throws<ShapeException>(() => new NodeHarness(SparseConv.Float, Attrs((SparseConv.WeightShape, new[] { 12, 16, 1 }), ("nm_n", 2), ("nm_m", 4), ("panel", 8)),
            [F([1, 16, 10], new float[160]), F([12, 8], values), ConstantTensor.FromArray(ElementType.UInt8, [2, 2], indices)], true));
    }

    /// <summary>Int8 shapes: odd channel counts (a pair half empty), output channels not a multiple of 4 or 12, strides,
    /// dilations, pads, the cnn1d layers, pointwise, unit counts that 4 does not divide (padded), and every ungrouped shape
    /// of the dense kernel's tests that runs on channel pairs.</summary>
    public static IEnumerable<(string Name, Int8ConvGeometry G)> Int8Cases() =>
    [
        ("1-D odd channels", Int8ConvGeometry.Create(3, 1, 40, 13, 1, 4, 1, (1, 1), (1, 1), (0, 2, 0, 1))),
        ("1-D stride 2 odd channels", Int8ConvGeometry.Create(7, 1, 41, 9, 1, 4, 1, (1, 2), (1, 1), (0, 1, 0, 2))),
        ("2-D odd channels", Int8ConvGeometry.Create(5, 9, 7, 14, 3, 4, 1, (1, 1), (1, 1), (1, 1, 2, 1))),
        ("2-D 27 units (padded to 28)", Int8ConvGeometry.Create(5, 9, 7, 14, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("2-D stride 2", Int8ConvGeometry.Create(8, 12, 13, 12, 3, 3, 1, (2, 2), (1, 1), (1, 1, 1, 1))),
        ("2-D 1x1 pointwise", Int8ConvGeometry.Create(32, 8, 8, 48, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
        .. Int8ConvTests.UngroupedCases.Where(c => Int8ShiftedRowsConv.SparseApplies(c.G)),
    ];

    [Theory]
    [MemberData(nameof(Int8ConvTests.ShiftedRowsPaths), MemberType = typeof(Int8ConvTests))]
    public void Int8_sparse_conv_gives_the_dense_conv_integers_on_the_pruned_weights(Int8Path path)
    {
        var rng = new Random(41);
        foreach (var (name, g) in Int8Cases())
            foreach (var (n, panel) in new[] { (2, 12), (1, 4), (3, 24) })
            {
                int taps = g.KernelH * g.KernelW;
                var (x, w, bias, scales, zx, zy) = Layer(g, rng);
                RandomNm(w, g.OutChannels, g.PatchSize, SparseConv.PairTapColumns(g.Channels, taps), 2, n, 4, panel, rng);
                Assert.True(SparseConv.TryCompressInt8(w, g.OutChannels, g.Channels, taps, n, 4, panel, out var values, out var indices), name);
                Assert.Equal(w, SparseConv.DecompressInt8(values, indices, g.OutChannels, g.Channels, taps, n, 4, panel));

                var sums = new int[g.OutChannels * g.OutPixels];
                SparseConv.Int8Reference(g, x, values, indices, n, 4, panel, zx, sums);
                Assert.Equal(DenseSums(g, x, w, zx), sums);

                var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);
                var expected = new sbyte[g.OutChannels * g.OutPixels];
                new Int8ShiftedRowsConv(g, w).Run(x, folded, scales, zx, zy, -128, 127, expected, new byte[Int8ShiftedRowsConv.ScratchBytesFor(g)], path);
                var sparse = new Int8ShiftedRowsConv(g, values, indices, n, 4, panel);
                Assert.True(sparse.Sparse);
                var actual = new sbyte[expected.Length];
                var scratch = new byte[Int8ShiftedRowsConv.ScratchBytesFor(g)];
                rng.NextBytes(scratch);
                sparse.Run(x, folded, scales, zx, zy, -128, 127, actual, scratch, path);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} {n}:4 panel {panel} on {path}");
            }
    }

    [Theory]
    [MemberData(nameof(Int8ConvTests.SupportedPaths), MemberType = typeof(Int8ConvTests))]
    public void Int8_sparse_weights_with_narrow_requantization_give_the_definitions_bytes_without_allocating(Int8Path path)
    {
        var rng = new Random(47);
        foreach (var (name, g) in Int8Cases())
            foreach (bool relu in new[] { false, true })
            {
                int taps = g.KernelH * g.KernelW;
                var (x, w, bias, _, zx, zy) = Layer(g, rng);
                RandomNm(w, g.OutChannels, g.PatchSize, SparseConv.PairTapColumns(g.Channels, taps), 2, 2, 4, 12, rng);
                Assert.True(SparseConv.TryCompressInt8(w, g.OutChannels, g.Channels, taps, 2, 4, 12, out var values, out var indices));
                var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);
                var (min, max) = relu ? Int8Clamp.Relu(zy) : (-128, 127);
                // Each channel's multiplier rounded to the bits its sums allow, as the quantizer rounds them.
                var scales = new FixedPointMultiplier[g.OutChannels];
                for (int c = 0; c < scales.Length; c++)
                {
                    var full = FixedPointMultiplier.FromReal(0.0005 + rng.NextDouble() * 0.004);
                    var (low, high) = NarrowRequantization.AccumulatorRange(w.AsSpan(c * g.PatchSize, g.PatchSize));
                    scales[c] = full.WithSignificantBits(NarrowRequantization.SignificantBits(Math.Max(Math.Abs(low + folded[c]), Math.Abs(high + folded[c])), full.Shift, zy));
                }
                var expected = new sbyte[g.OutChannels * g.OutPixels];
                Int8Conv.Reference(g, x, w, bias, scales, zx, zy, min, max, expected);
                var prepared = Int8ConvWeights.FromSparse(g, values, indices, 2, 4, 12, path);
                var narrow = prepared.Narrow(folded, scales, zy, min, max);
                Assert.NotNull(narrow);
                var actual = new sbyte[expected.Length];
                var scratch = new byte[g.ScratchBytes];
                prepared.Run(x, folded, scales, zx, zy, min, max, actual, scratch, narrow);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} on {path}, relu {relu}");
                long before = GC.GetAllocatedBytesForCurrentThread();
                prepared.Run(x, folded, scales, zx, zy, min, max, actual, scratch, narrow);
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
    }

    [Theory]
    [MemberData(nameof(Int8ConvTests.SupportedPaths), MemberType = typeof(Int8ConvTests))]
    public void Int8_sparse_weights_run_on_every_path_without_allocating(Int8Path path)
    {
        var rng = new Random(43);
        foreach (var (name, g) in Int8Cases())
        {
            int taps = g.KernelH * g.KernelW;
            var (x, w, bias, scales, zx, zy) = Layer(g, rng);
            RandomNm(w, g.OutChannels, g.PatchSize, SparseConv.PairTapColumns(g.Channels, taps), 2, 2, 4, 12, rng);
            Assert.True(SparseConv.TryCompressInt8(w, g.OutChannels, g.Channels, taps, 2, 4, 12, out var values, out var indices));
            var expected = new sbyte[g.OutChannels * g.OutPixels];
            Int8Conv.Reference(g, x, w, bias, scales, zx, zy, -128, 127, expected);
            var prepared = Int8ConvWeights.FromSparse(g, values, indices, 2, 4, 12, path);
            Assert.Equal(Int8ShiftedRowsConv.KernelPath(path) is not null, prepared.Sparse);
            var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);
            var actual = new sbyte[expected.Length];
            var scratch = new byte[g.ScratchBytes];
            prepared.Run(x, folded, scales, zx, zy, -128, 127, actual, scratch);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} on {path}");
            long before = GC.GetAllocatedBytesForCurrentThread();
            prepared.Run(x, folded, scales, zx, zy, -128, 127, actual, scratch);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static int[] DenseSums(Int8ConvGeometry g, sbyte[] x, sbyte[] w, int zx)
    {
        var sums = new int[g.OutChannels * g.OutPixels];
        for (int o = 0; o < g.OutChannels; o++)
            for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int sum = 0;
                    for (int c = 0; c < g.Channels; c++)
                        for (int kh = 0; kh < g.KernelH; kh++)
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                int xv = ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width ? x[(c * g.Height + ih) * g.Width + iw] : zx;
                                sum += xv * w[((o * g.Channels + c) * g.KernelH + kh) * g.KernelW + kw];
                            }
                    sums[(o * g.OutH + oh) * g.OutW + ow] = sum;
                }
        return sums;
    }

    private static (sbyte[] X, sbyte[] W, int[] Bias, FixedPointMultiplier[] Scales, int Zx, int Zy) Layer(Int8ConvGeometry g, Random rng)
    {
        var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
        var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng);
        for (int i = 0; i < w.Length; i++) if (w[i] == -128) w[i] = -127;
        var bias = new int[g.OutChannels];
        for (int i = 0; i < bias.Length; i++) bias[i] = rng.Next(-5000, 5000);
        var scales = new FixedPointMultiplier[g.OutChannels];
        for (int i = 0; i < scales.Length; i++) scales[i] = FixedPointMultiplier.FromReal(0.001 + rng.NextDouble() * 0.01);
        return (x, w, bias, scales, rng.Next(-20, 20), rng.Next(-10, 10));
    }
}
