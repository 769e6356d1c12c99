using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Tests.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Pruning;

public class ChannelPruningTests
{
    private static float[] Run(CompiledModel m, float[] x)
    {
        var e = new PlanExecutor(m.Plan);
        x.CopyTo(e.Input<float>(0));
        e.Run();
        return e.Output<float>(0).ToArray();
    }

    [Fact]
    public void Removing_channels_shrinks_both_layers_the_tensor_between_them_and_the_plan()
    {
        string model = TestModels.Save(QuantModels.Mlp(), TestModels.TempDir());
        var f = ModelCompiler.CompileFile(model);
        var p = ModelCompiler.CompileFile(model, new CompileOptions { Prune = new PruneOptions { Sparsity = 0, Channels = 0.5 } });
        // Gemm 64→48 loses 24 outputs, Gemm 48→32 loses 16; the last layer is the graph output and keeps its 10.
        Assert.Equal([24, 16], p.PrunedLayers.Select(l => l.RemovedChannels));
        var gemms = p.Graph.Nodes.Where(n => n.OpType == "Gemm").ToList();
        Assert.Equal(24, gemms[0].Outputs[0]!.Dims![1]);
        Assert.Equal(16, gemms[1].Outputs[0]!.Dims![1]);
        Assert.Equal(10, gemms[2].Outputs[0]!.Dims![1]);
        long floatWeights = f.Graph.AllValues().Where(v => v.IsConstant).Sum(v => v.Constant!.ElementCount);
        long prunedWeights = p.Graph.AllValues().Where(v => v.IsConstant).Sum(v => v.Constant!.ElementCount);
        Assert.Equal(floatWeights - (24 * 64 + 24) - (48 * 32 - 24 * 16 + 16) - 16 * 10, prunedWeights);
        Assert.True(p.Plan.ArenaBytes < f.Plan.ArenaBytes, $"{p.Plan.ArenaBytes} vs {f.Plan.ArenaBytes}");
        Assert.Equal(10, Run(p, QuantModels.Samples(1, 64, 5)[0]).Length);
    }

    [Fact]
    public void Channels_whose_weights_are_zero_are_removed_without_changing_the_output()
    {
        // Zero weights make a channel's output exactly act(bias): the fold into the next bias makes removal exact.
        var b = new OnnxModelBuilder("two", 17);
        b.Input("x", ElementType.Float32, 1, 8);
        var w1 = TestModels.Random(6 * 8, 3);
        for (int c = 0; c < 8; c++) { w1[1 * 8 + c] = 0; w1[4 * 8 + c] = 0; }
        var b1 = TestModels.Random(6, 4);
        b1[1] = 0.7f;
        b1[4] = -0.4f; // Relu'd away
        var h = b.Op("Relu", [b.Op("Gemm", ["x", b.Initializer("w1", w1, 6, 8), b.Initializer("b1", b1, 6)], ("transB", 1L))]);
        b.Node("Gemm", [h, b.Initializer("w2", TestModels.Random(6 * 3, 5), 6, 3), b.Initializer("b2", TestModels.Random(3, 6), 3)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 3);
        string model = TestModels.Save(b, TestModels.TempDir());
        var f = ModelCompiler.CompileFile(model);
        var p = ModelCompiler.CompileFile(model, new CompileOptions { Prune = new PruneOptions { Sparsity = 0, Channels = 2 / 6.0 } });
        Assert.Equal(2, p.PrunedLayers.Single().RemovedChannels);
        foreach (var x in QuantModels.Samples(5, 8, 10))
            TestModels.AssertClose(Run(f, x), Run(p, x), 1e-5);
    }

    [Fact]
    public void Conv_channels_are_removed_from_the_next_conv_input()
    {
        var b = new OnnxModelBuilder("convs", 17);
        b.Input("x", ElementType.Float32, 1, 2, 16);
        var h = b.Op("Relu", [b.Op("Conv", ["x", b.Initializer("k1", TestModels.Random(8 * 2 * 3, 1), 8, 2, 3), b.Initializer("c1", TestModels.Random(8, 2), 8)], ("pads", new long[] { 1, 1 }))]);
        b.Node("Conv", [h, b.Initializer("k2", TestModels.Random(4 * 8 * 3, 3), 4, 8, 3), b.Initializer("c2", TestModels.Random(4, 4), 4)], ["y"], ("pads", new long[] { 1, 1 }));
        b.Output("y", ElementType.Float32, 1, 4, 16);
        string model = TestModels.Save(b, TestModels.TempDir());
        var p = ModelCompiler.CompileFile(model, new CompileOptions { Prune = new PruneOptions { Sparsity = 0, Channels = 0.5 } });
        var convs = p.Graph.Nodes.Where(n => n.OpType == "Conv").ToList();
        Assert.Equal([4, 2, 3], convs[0].Input(1)!.Dims!);
        Assert.Equal([4, 4, 3], convs[1].Input(1)!.Dims!);
        Assert.Equal([1, 4, 16], convs[0].Outputs[0]!.Dims!);
        Assert.Equal(4 * 16, Run(p, TestModels.Random(32, 9)).Length);
    }
}
