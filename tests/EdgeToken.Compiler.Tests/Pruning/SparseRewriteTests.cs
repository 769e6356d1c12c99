using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Compiler.Tests.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;

namespace EdgeToken.Compiler.Tests.Pruning;

public class SparseRewriteTests
{
    private static readonly PruneOptions TwoFour = new() { Pattern = PruningPattern.NM, N = 2, M = 4, Panel = 8 };

    private static float[] Run(CompiledModel m, float[] x)
    {
        var e = new PlanExecutor(m.Plan);
        x.CopyTo(e.Input<float>(0));
        e.Run();
        return e.Output<float>(0).ToArray();
    }

    /// <summary>A wide MLP (width → width → width → 10) where the cost model picks the sparse kernels: 256 for int8, 512 for
    /// float (whose sparse kernel pays more per row; at 256 the float layers stay dense).</summary>
    private static (string Model, string Dir) Wide(int width = 256)
    {
        string dir = TestModels.TempDir();
        return (TestModels.Save(QuantModels.Mlp(2, width, width, width, 10), dir), dir);
    }

    [Fact]
    public void Pruned_float_layers_run_sparse_and_match_the_dense_pruned_model()
    {
        var (model, _) = Wide(512);
        var dense = ModelCompiler.CompileFile(model, new CompileOptions { Prune = new PruneOptions { Pattern = PruningPattern.NM, Panel = 8, SparseKernels = false } });
        var sparse = ModelCompiler.CompileFile(model, new CompileOptions { Prune = TwoFour });
        Assert.Contains(sparse.Plan.Steps, s => s.OpType == SparseGemmOps.Float);
        Assert.Contains(sparse.SparseLayers, l => l.Sparse && l.SparseBytes * 1.9 < l.DenseBytes);
        Assert.True(sparse.Plan.Weights.Length < dense.Plan.Weights.Length * 0.6, $"{sparse.Plan.Weights.Length} vs {dense.Plan.Weights.Length}");
        foreach (var x in QuantModels.Samples(5, 512, 40))
            TestModels.AssertClose(Run(dense, x), Run(sparse, x), 1e-4);
    }

    [Fact]
    public void Pruned_int8_layers_run_sparse_with_the_same_integers_as_dense()
    {
        var (model, dir) = Wide();
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(20, 256, 60));
        var dense = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Prune = new PruneOptions { Pattern = PruningPattern.NM, Panel = 8, SparseKernels = false } });
        var sparse = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Prune = TwoFour });
        if (Int8Paths.Best != Int8Path.Scalar)
        {
            Assert.Contains(sparse.Plan.Steps, s => s.OpType == SparseGemmOps.Int8);
            // Panels of 8: the values are written in the tiled order (NmTiles) the faster kernel reads.
            Assert.All(sparse.Plan.Steps.Where(s => s.OpType == SparseGemmOps.Int8), s => Assert.Equal(1, s.Attributes.GetInt(SparseGemmOps.TiledAttribute, 0)));
        }
        foreach (var x in QuantModels.Samples(5, 256, 80))
            Assert.Equal(Run(dense, x), Run(sparse, x));
        var e = new PlanExecutor(sparse.Plan);
        e.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) e.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Layers_the_cost_model_rejects_stay_dense_and_say_why()
    {
        var (model, _) = Wide(512); // where panels of 8 would go sparse
        var perRow = ModelCompiler.CompileFile(model, new CompileOptions { Prune = new PruneOptions { Pattern = PruningPattern.NM, Panel = 1 } });
        Assert.DoesNotContain(perRow.Plan.Steps, s => s.OpType == SparseGemmOps.Float);
        Assert.All(perRow.SparseLayers, l => { Assert.False(l.Sparse); Assert.StartsWith("dense:", l.Reason); });
    }
}
