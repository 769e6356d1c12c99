using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Tests.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Pruning;

public class SparseConvRewriteTests
{
    private static readonly PruneOptions TwoFour = new() { Pattern = PruningPattern.NM, N = 2, M = 4 };
    private static readonly PruneOptions TwoFourDense = new() { Pattern = PruningPattern.NM, N = 2, M = 4, SparseKernels = false };
    private const int Length = 16 * 128;

    /// <summary>x [1, 16, 128] → Conv k5 pad 2, 16→32 + Relu → Conv k5 pad 2, 32→32 + Relu → MaxPool 2 → Conv 1x1 32→48 + Relu
    /// → depthwise Conv k3 pad 1 (stays dense) → y [1, 48, 64]: the cnn1d benchmark's conv layers and a pointwise one.
    /// With <paramref name="prePruned"/> the convolutions' weights are already 2:4 with the conv panel, so the ONNX file
    /// is the pruned float model ONNX Runtime runs.</summary>
    internal static OnnxModelBuilder Cnn(bool prePruned = false)
    {
        float[] W(int m, int c, int k, int seed)
        {
            var w = TestModels.Random(m * c * k, seed, c == 1 ? 0.4f : 0.3f);
            if (prePruned) MagnitudePruner.PruneNM(w, m, c * k, 2, 4, 12);
            return w;
        }
        var b = new OnnxModelBuilder("cnn", 17);
        b.Input("x", ElementType.Float32, 1, 16, 128);
        var h = b.Op("Relu", [b.Op("Conv", ["x", b.Initializer("w1", W(32, 16, 5, 1), 32, 16, 5), b.Initializer("b1", TestModels.Random(32, 2, 0.1f), 32)],
            ("pads", new long[] { 2, 2 }))]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w2", W(32, 32, 5, 3), 32, 32, 5), b.Initializer("b2", TestModels.Random(32, 4, 0.1f), 32)],
            ("pads", new long[] { 2, 2 }))]);
        h = b.Op("MaxPool", [h], ("kernel_shape", new long[] { 2 }), ("strides", new long[] { 2 }));
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w3", W(48, 32, 1, 5), 48, 32, 1), b.Initializer("b3", TestModels.Random(48, 6, 0.1f), 48)])]);
        // The pruner zeroes one of the depthwise filter's three taps too (a partial group keeps ceil(2 · 3 / 4)), dense or not.
        b.Node("Conv", [h, b.Initializer("w4", W(48, 1, 3, 7), 48, 1, 3)], ["y"], ("group", 48L), ("pads", new long[] { 1, 1 }));
        b.Output("y", ElementType.Float32, 1, 48, 64);
        return b;
    }

    private static float[] Run(PlanExecutor e, float[] x) => QuantModels.Run(e, x);

    [Fact]
    public void Pruned_float_convolutions_run_sparse_and_match_the_dense_pruned_model_and_onnx_runtime()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(Cnn(prePruned: true), dir);
        var dense = ModelCompiler.CompileFile(model, new CompileOptions { Prune = TwoFourDense });
        var sparse = ModelCompiler.CompileFile(model, new CompileOptions { Prune = TwoFour });
        Assert.Equal(3, sparse.Plan.Steps.Count(s => s.OpType == SparseConv.Float));
        var layers = sparse.SparseLayers.Where(l => l.Sparse).ToList();
        Assert.Equal(3, layers.Count);
        Assert.All(layers, l => Assert.True(l.SparseBytes * 1.9 < l.DenseBytes, $"{l.Name}: {l.SparseBytes} of {l.DenseBytes}"));
        var depthwise = Assert.Single(sparse.SparseLayers, l => !l.Sparse);
        Assert.StartsWith("dense: grouped and depthwise", depthwise.Reason);
        Assert.True(sparse.Plan.Weights.Length < dense.Plan.Weights.Length * 0.6, $"{sparse.Plan.Weights.Length} vs {dense.Plan.Weights.Length}");

        var (e, d) = (new PlanExecutor(sparse.Plan), new PlanExecutor(dense.Plan));
        var samples = QuantModels.Samples(4, Length, 9);
        foreach (var x in samples)
            TestModels.AssertClose(Run(d, x), Run(e, x), 1e-4);
        // The model was pruned before it was written, so ONNX Runtime runs the same pruned float model.
        using var ort = new EdgeToken.Cli.Reference.OnnxRuntimeReference(model);
        foreach (var x in samples)
            TestModels.AssertClose(ort.Run([ConstantTensor.FromArray(ElementType.Float32, [1, 16, 128], x)])[0].AsSpan<float>().ToArray(), Run(e, x), 1e-4);

        e.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) e.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Pruned_int8_convolutions_run_sparse_with_the_same_integers_as_dense()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(Cnn(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(10, Length, 60));
        var dense = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Prune = TwoFourDense });
        var sparse = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Prune = TwoFour });
        if (Int8ShiftedRowsConv.KernelPath(Int8Paths.Best) is not null)
        {
            Assert.Equal(3, sparse.Plan.Steps.Count(s => s.OpType == SparseConv.Int8));
            Assert.All(sparse.SparseLayers.Where(l => l.Sparse), l => Assert.True(l.SparseBytes * 1.9 < l.DenseBytes, $"{l.Name}: {l.SparseBytes} of {l.DenseBytes}"));
        }
        var (e, d) = (new PlanExecutor(sparse.Plan), new PlanExecutor(dense.Plan));
        foreach (var x in QuantModels.Samples(4, Length, 80))
            Assert.Equal(Run(d, x), Run(e, x));
        e.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) e.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_model_that_will_be_quantized_is_pruned_over_channel_pairs_at_each_tap()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(Cnn(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(10, Length, 60));
        var q = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Prune = TwoFourDense });
        var convs = q.Graph.Nodes.Where(n => n.OpType == QConv.OpType && n.Attributes.GetInt("group", 1) == 1).ToList();
        Assert.Equal(3, convs.Count);
        foreach (var node in convs)
        {
            var dims = node.Inputs[1]!.Dims!;
            int rows = dims[0], channels = dims[1], taps = dims[2];
            var w = node.Inputs[1]!.Constant!.AsSpan<sbyte>();
            Assert.True(SparseConv.TryCompressInt8(w, rows, channels, taps, 2, 4, 12, out _, out _), node.Name);
            // Each kept unit holds both channels of its pair (the pruner zeroes units whole): exactly half the units are zero.
            var columns = SparseConv.PairTapColumns(channels, taps);
            for (int r = 0; r < rows; r++)
            {
                int zero = 0;
                for (int u = 0; u < columns.Length / 2; u++)
                    if (w[r * channels * taps + columns[2 * u]] == 0 && w[r * channels * taps + columns[2 * u + 1]] == 0) zero++;
                Assert.True(zero >= columns.Length / 4, $"{node.Name} row {r}: {zero} zero units of {columns.Length / 2}");
            }
        }
        // A float model keeps the finer mask (any depth entry): it is 2:4 along the depth with the conv panel.
        var f = ModelCompiler.CompileFile(model, new CompileOptions { Prune = TwoFourDense });
        foreach (var node in f.Graph.Nodes.Where(n => n.OpType == "Conv" && n.Attributes.GetInt("group", 1) == 1))
        {
            var dims = node.Inputs[1]!.Dims!;
            Assert.True(NmSparse.TryCompress<float>(node.Inputs[1]!.Constant!.AsSpan<float>(), dims[0], dims[1] * dims[2], 2, 4, 12, out _, out _), node.Name);
        }
    }

    [Fact]
    public void A_convolution_left_in_float_keeps_the_depth_mask_and_runs_on_the_float_sparse_kernel()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(Cnn(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(8, Length, 60));
        string first = ModelCompiler.CompileFile(model).Graph.Nodes.First(n => n.OpType == "Conv").Name;
        var m = ModelCompiler.CompileFile(model, new CompileOptions
        {
            CalibrationPath = calib, Quantize = new EdgeToken.Compiler.Quantization.QuantizeOptions { Exclude = new HashSet<string> { first } }, Prune = TwoFour,
        });
        Assert.Contains(m.Graph.Nodes, n => n.Name == first && n.OpType == SparseConv.Float);
        Assert.True(Assert.Single(m.SparseLayers, l => l.Name == first).Sparse);
        if (Int8ShiftedRowsConv.KernelPath(Int8Paths.Best) is not null) Assert.Equal(2, m.Plan.Steps.Count(s => s.OpType == SparseConv.Int8));
    }

    [Fact]
    public void Pair_tap_pruning_keeps_n_of_m_units_per_panel()
    {
        const int rows = 30, channels = 5, taps = 4;
        var w = TestModels.Random(rows * channels * taps, 3, 1f);
        var columns = SparseConv.PairTapColumns(channels, taps);
        MagnitudePruner.PruneNMUnits(w, rows, channels * taps, columns, 2, 2, 4, 12);
        int units = columns.Length / 2;
        for (int r0 = 0; r0 < rows; r0 += 12)
            for (int g = 0; g < units; g += 4)
            {
                var kept = Enumerable.Range(g, Math.Min(4, units - g)).Where(u => w[r0 * channels * taps + columns[2 * u]] != 0).ToList();
                Assert.Equal(2, kept.Count);
                for (int r = r0; r < Math.Min(rows, r0 + 12); r++)
                    for (int u = g; u < Math.Min(g + 4, units); u++)
                        for (int i = 0; i < 2; i++)
                            if (columns[2 * u + i] >= 0) Assert.Equal(kept.Contains(u), w[r * channels * taps + columns[2 * u + i]] != 0);
            }
    }

    [Fact]
    public void Compile_report_shows_each_convolution_with_its_compressed_bytes_and_decision()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(Cnn(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(8, Length, 60));
        string onnx = Path.Combine(dir, "q.onnx");
        var (exit, stdout, stderr) = Cli.CliProcess.Run("compile", model, "--pattern", "2:4", "--quantize", calib, "--emit-onnx", onnx, "--report", "--json");
        Assert.True(exit == 0, stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var rows = doc.RootElement.GetProperty("pruning").GetProperty("perLayer").EnumerateArray().Where(r => r.GetProperty("op").GetString() == "Conv").ToList();
        Assert.Equal(4, rows.Count);
        var sparse = rows.Where(r => r.GetProperty("kernel").GetString() == "sparse").ToList();
        if (Int8ShiftedRowsConv.KernelPath(Int8Paths.Best) is not null) Assert.Equal(3, sparse.Count);
        Assert.All(sparse, r => Assert.True(r.GetProperty("sparseBytes").GetInt64() * 1.9 < r.GetProperty("denseBytes").GetInt64()));
        Assert.All(sparse, r => Assert.StartsWith("sparse: estimated", r.GetProperty("reason").GetString()));
        Assert.Contains(rows, r => r.GetProperty("reason").GetString()!.StartsWith("dense: grouped and depthwise", StringComparison.Ordinal));
        Assert.True(new FileInfo(onnx).Length > 0); // the QDQ export takes the same pruned weights, dense
    }

    [Fact]
    public void Conv_cost_model_decisions_are_pinned()
    {
        // 2:4 on the cnn1d layers and a pointwise one: sparse; a depth of 4 (one group): the fixed cost per tile dominates.
        Assert.True(SparseCostModel.DecideConv(false, 16, 5, 2, 4).Sparse);
        Assert.True(SparseCostModel.DecideConv(false, 32, 1, 2, 4).Sparse);
        Assert.True(SparseCostModel.DecideConv(true, 16, 5, 2, 4).Sparse);
        Assert.True(SparseCostModel.DecideConv(true, 32, 5, 2, 4, denseU8: true).Sparse);
        Assert.False(SparseCostModel.DecideConv(false, 4, 1, 2, 4).Sparse);
        Assert.False(SparseCostModel.DecideConv(true, 8, 1, 2, 4).Sparse);
        // 3:4 on a short depth saves less than the margin asks.
        Assert.False(SparseCostModel.DecideConv(false, 8, 1, 3, 4).Sparse);
        Assert.True(SparseCostModel.DecideConv(false, 3, 5, 2, 4).Sparse); // depth 15, padded to 16: 8 kept of 15
        Assert.False(SparseCostModel.DecideConv(false, 1, 9, 2, 4).Sparse); // depth 9, padded to 12: 6 kept of 9
    }

    [Fact]
    public void Conv_panels_that_split_the_kernel_blocks_stay_dense_and_say_why()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(Cnn(), dir);
        var m = ModelCompiler.CompileFile(model, new CompileOptions { Prune = new PruneOptions { Pattern = PruningPattern.NM, ConvPanel = 8 } });
        Assert.DoesNotContain(m.Plan.Steps, s => s.OpType == SparseConv.Float);
        Assert.All(m.SparseLayers, l => { Assert.False(l.Sparse); Assert.StartsWith("dense:", l.Reason); });
    }
}
