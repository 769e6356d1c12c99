using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Tests.Quantization;
using EdgeToken.Runtime.Execution;

namespace EdgeToken.Compiler.Tests.Pruning;

public class MagnitudePruningTests
{
    private static CompiledModel Compile(PruneOptions? prune, int seed = 1)
    {
        string model = TestModels.Save(QuantModels.Mlp(seed), TestModels.TempDir());
        return ModelCompiler.CompileFile(model, new CompileOptions { Prune = prune });
    }

    private static float[] Run(CompiledModel m, float[] x)
    {
        var e = new PlanExecutor(m.Plan);
        x.CopyTo(e.Input<float>(0));
        e.Run();
        return e.Output<float>(0).ToArray();
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Unstructured_per_layer_reaches_the_target_in_every_layer(double sparsity)
    {
        var m = Compile(new PruneOptions { Sparsity = sparsity });
        Assert.Equal(3, m.PrunedLayers.Count);
        Assert.All(m.PrunedLayers, l => Assert.InRange(l.Sparsity, sparsity - 0.01, sparsity + 0.01));
    }

    [Fact]
    public void Unstructured_zeroes_exactly_the_smallest_magnitudes()
    {
        var w = new float[] { 0.5f, -0.1f, 0.3f, -0.9f, 0.05f, 0.2f };
        MagnitudePruner.PruneUnstructured(w, 0.5);
        Assert.Equal([0.5f, 0, 0.3f, -0.9f, 0, 0], w);
    }

    [Fact]
    public void Global_reaches_the_target_overall_but_not_per_layer()
    {
        // Layer 3 is scaled up so a global threshold prunes it less than the others.
        var m = Compile(new PruneOptions { Sparsity = 0.6, Scope = PruningScope.Global });
        long weights = m.PrunedLayers.Sum(l => l.Weights), zeros = m.PrunedLayers.Sum(l => l.Zeros);
        Assert.Equal(Math.Round(weights * 0.6), zeros);
        var perLayer = m.PrunedLayers.Select(l => l.Sparsity).ToList();
        Assert.True(perLayer.Max() - perLayer.Min() > 0.005, string.Join(", ", perLayer));
    }

    [Fact]
    public void Two_four_keeps_two_of_every_four_inputs_with_one_mask_per_panel()
    {
        const int rows = 12, cols = 10, panel = 4;
        var w = TestModels.Random(rows * cols, 7);
        MagnitudePruner.PruneNM(w, rows, cols, 2, 4, panel);
        for (int r0 = 0; r0 < rows; r0 += panel)
            for (int g = 0; g < cols; g += 4)
            {
                int len = Math.Min(4, cols - g);
                var mask = Enumerable.Range(g, len).Select(c => w[r0 * cols + c] != 0).ToArray();
                Assert.Equal(len == 4 ? 2 : 1, mask.Count(k => k));
                for (int r = r0; r < r0 + panel; r++)
                    for (int c = 0; c < len; c++) Assert.Equal(mask[c], w[r * cols + g + c] != 0);
            }
    }

    [Fact]
    public void Two_four_per_row_keeps_the_two_largest_of_each_group()
    {
        var w = new float[] { 0.1f, -0.7f, 0.3f, 0.2f, 1f, 2f, -3f, 4f };
        MagnitudePruner.PruneNM(w, 1, 8, 2, 4, 1);
        Assert.Equal([0, -0.7f, 0.3f, 0, 0, 0, -3f, 4f], w);
    }

    [Fact]
    public void Two_four_on_a_model_is_half_sparse_and_still_runs_close_to_float()
    {
        var f = Compile(null);
        var p = Compile(new PruneOptions { Pattern = PruningPattern.NM, N = 2, M = 4, Panel = 1 });
        Assert.All(p.PrunedLayers, l => { Assert.Equal("2:4", l.Pattern); Assert.Equal(0.5, l.Sparsity, 2); });
        double signal = 0, noise = 0;
        foreach (var x in QuantModels.Samples(20, 64, 300))
        {
            var yf = Run(f, x);
            var yp = Run(p, x);
            for (int i = 0; i < yf.Length; i++) { signal += yf[i] * yf[i]; noise += (yf[i] - yp[i]) * (yf[i] - yp[i]); }
        }
        // Random weights are the worst case for pruning (no small weights to lose); a trained model does far better.
        Assert.True(10 * Math.Log10(signal / noise) > 3, $"{10 * Math.Log10(signal / noise):F1} dB");
    }

    [Fact]
    public void Excluded_layers_are_not_pruned()
    {
        var all = Compile(new PruneOptions { Sparsity = 0.5 });
        string first = all.PrunedLayers[0].Name;
        var m = Compile(new PruneOptions { Sparsity = 0.5, Exclude = new HashSet<string> { first } });
        Assert.DoesNotContain(m.PrunedLayers, l => l.Name == first);
        Assert.Equal(2, m.PrunedLayers.Count);
    }

    [Theory]
    [InlineData("2:4", 2, 4)]
    [InlineData("1:4", 1, 4)]
    public void Patterns_parse(string text, int n, int m)
    {
        var (p, pn, pm) = PruneOptions.ParsePattern(text);
        Assert.Equal((PruningPattern.NM, n, m), (p, pn, pm));
        Assert.Equal(PruningPattern.Unstructured, PruneOptions.ParsePattern("unstructured").Pattern);
        Assert.Throws<CompileException>(() => PruneOptions.ParsePattern("4:2"));
    }
}
