using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Tests.Differential;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Passes;

public class PassTests
{
    private static readonly float[] X8 = TestModels.Random(8, 11, 2f);

    [Fact]
    public void Identity_and_inference_dropout_are_removed_and_the_producer_writes_the_output()
    {
        var b = new OnnxModelBuilder("identity", 17);
        b.Input("x", ElementType.Float32, 1, 8);
        var h = b.Op("Relu", ["x"]);
        h = b.Op("Identity", [h]);
        h = b.Op("Dropout", [h]);
        h = b.Op("Relu", [h]);
        b.Node("Identity", [h], ["y"]);
        b.Output("y", ElementType.Float32, 1, 8);
        var compiled = PassTestKit.CheckNumerics(b, "identity-removal", X8);
        Assert.Equal(["Relu", "Relu"], PassTestKit.Ops(compiled));
        Assert.Equal("y", compiled.Plan.Output(0).Name);
    }

    [Fact]
    public void Dead_branches_are_removed()
    {
        var b = new OnnxModelBuilder("dead", 17);
        b.Input("x", ElementType.Float32, 1, 8);
        b.Op("Relu", [b.Op("Relu", ["x"])]); // read by nothing
        b.Node("Relu", ["x"], ["y"]);
        b.Output("y", ElementType.Float32, 1, 8);
        var compiled = PassTestKit.CheckNumerics(b, "dead-node-elimination", X8);
        Assert.Single(compiled.Plan.Steps);
    }

    [Fact]
    public void Recurrent_outputs_nothing_reads_are_dropped_so_the_kernel_does_not_write_them()
    {
        // A GRU whose per-step Y nobody reads (only Y_h goes on), and an LSTM whose Y_h and Y_c nobody reads.
        var b = new OnnxModelBuilder("rnn-outputs", 17);
        b.Input("x", ElementType.Float32, 5, 1, 3);
        int h = 4;
        b.Node("GRU", ["x", b.Initializer("W", TestModels.Random(3 * h * 3, 1, 0.5f), 1, 3 * h, 3), b.Initializer("R", TestModels.Random(3 * h * h, 2, 0.5f), 1, 3 * h, h)],
            ["seq", "last"], ("hidden_size", h));
        b.Node("LSTM", ["x", b.Initializer("W2", TestModels.Random(4 * h * 3, 3, 0.5f), 1, 4 * h, 3), b.Initializer("R2", TestModels.Random(4 * h * h, 4, 0.5f), 1, 4 * h, h)],
            ["y2", "h2", "c2"], ("hidden_size", h));
        b.Node("Add", ["last", b.Op("Reshape", ["y2", b.Initializer("shape", new long[] { 5, 1, h }, 3)])], ["y"]);
        b.Output("y", ElementType.Float32, 5, 1, h);
        var compiled = PassTestKit.CheckNumerics(b, "dead-node-elimination", TestModels.Random(15, 5, 2f));
        var gru = compiled.Plan.Steps.Single(s => s.OpType == "GRU");
        var lstm = compiled.Plan.Steps.Single(s => s.OpType == "LSTM");
        Assert.Equal(-1, gru.Outputs[0]);
        Assert.NotEqual(-1, gru.Outputs[1]);
        Assert.NotEqual(-1, lstm.Outputs[0]);
        Assert.All(lstm.Outputs.Skip(1), o => Assert.Equal(-1, o));
    }

    [Fact]
    public void Constant_subgraphs_are_folded_into_weights()
    {
        var b = new OnnxModelBuilder("fold", 17);
        b.Input("x", ElementType.Float32, 1, 8);
        var c = b.Op("Mul", [b.Op("Add", [b.Initializer("a", TestModels.Random(8, 1), 8), b.Initializer("c", TestModels.Random(8, 2), 8)]), b.Initializer("s", [3f])]);
        b.Node("Add", ["x", c], ["y"]);
        b.Output("y", ElementType.Float32, 1, 8);
        var compiled = PassTestKit.CheckNumerics(b, "constant-folding", X8);
        Assert.Equal(["Add"], PassTestKit.Ops(compiled));
    }

    [Fact]
    public void BatchNormalization_folds_into_the_preceding_conv()
    {
        var b = new OnnxModelBuilder("bn", 17);
        b.Input("x", ElementType.Float32, 1, 3, 16);
        var h = b.Op("Conv", ["x", b.Initializer("w", TestModels.Random(4 * 3 * 3, 3), 4, 3, 3), b.Initializer("wb", TestModels.Random(4, 4), 4)], ("kernel_shape", new[] { 3 }), ("pads", new[] { 1, 1 }));
        b.Node("BatchNormalization", [h, b.Initializer("s", [1.5f, 0.5f, 2f, 1f], 4), b.Initializer("bb", [0.1f, -0.2f, 0.3f, 0f], 4),
            b.Initializer("m", [0.5f, -0.5f, 0.25f, 0f], 4), b.Initializer("v", [1f, 2f, 0.5f, 4f], 4)], ["y"], ("epsilon", 1e-3f));
        b.Output("y", ElementType.Float32, 1, 4, 16);
        var compiled = PassTestKit.CheckNumerics(b, "batchnorm-folding", TestModels.Random(48, 5));
        Assert.Equal(["Conv"], PassTestKit.Ops(compiled));
    }

    [Fact]
    public void BatchNormalization_folds_into_the_preceding_gemm()
    {
        var b = new OnnxModelBuilder("bn-gemm", 17);
        b.Input("x", ElementType.Float32, 2, 8);
        var h = b.Op("Gemm", ["x", b.Initializer("w", TestModels.Random(5 * 8, 3), 5, 8), b.Initializer("c", TestModels.Random(5, 4), 5)], ("transB", 1), ("alpha", 0.7f), ("beta", 1.3f));
        b.Node("BatchNormalization", [h, b.Initializer("s", TestModels.Random(5, 6), 5), b.Initializer("bb", TestModels.Random(5, 7), 5),
            b.Initializer("m", TestModels.Random(5, 8), 5), b.Initializer("v", [1f, 2f, 0.5f, 4f, 3f], 5)], ["y"]);
        b.Output("y", ElementType.Float32, 2, 5);
        var compiled = PassTestKit.CheckNumerics(b, "batchnorm-folding", TestModels.Random(16, 5));
        Assert.Equal(["Gemm"], PassTestKit.Ops(compiled));
    }

    [Fact]
    public void MatMul_then_Add_becomes_Gemm()
    {
        var b = new OnnxModelBuilder("linear", 17);
        b.Input("x", ElementType.Float32, 1, 8);
        var h = b.Op("MatMul", ["x", b.Initializer("w", TestModels.Random(8 * 6, 1), 8, 6)]);
        b.Node("Add", [b.Initializer("bias", TestModels.Random(6, 2), 6), h], ["y"]);
        b.Output("y", ElementType.Float32, 1, 6);
        var compiled = PassTestKit.CheckNumerics(b, "matmul-add-to-gemm", X8);
        Assert.Equal(["Gemm"], PassTestKit.Ops(compiled));
    }

    /// <summary>A classifier head written as a Conv whose kernel covers its input (openWakeWord's last layer: 3x1 over 3x1)
    /// becomes Flatten → Gemm → Reshape, with and without bias, 1-D and 2-D, batch 2; a Relu fused into it moves to the
    /// Gemm. A padded, a grouped and a dilated one keep their Conv.</summary>
    [Fact]
    public void A_conv_over_its_whole_input_becomes_a_gemm()
    {
        foreach (var (dims, bias) in new[] { (new[] { 2, 6, 3, 1 }, true), (new[] { 1, 5, 4 }, false), (new[] { 1, 7, 1, 1 }, true) })
        {
            int c = dims[1], m = 9, size = dims.Aggregate(1, (a, d) => a * d), kernel = size / dims[0] / c;
            var b = new OnnxModelBuilder("fc-conv", 17);
            b.Input("x", ElementType.Float32, dims);
            var inputs = new List<string> { "x", b.Initializer("w", TestModels.Random(m * c * kernel, 3), [m, .. dims[1..]]) };
            if (bias) inputs.Add(b.Initializer("b", TestModels.Random(m, 4), m));
            var h = b.Op("Conv", [.. inputs]);
            b.Node("Relu", [h], ["y"]);
            int[] yDims = [dims[0], m, .. dims[2..].Select(_ => 1)];
            b.Output("y", ElementType.Float32, yDims);
            var compiled = PassTestKit.CheckNumerics(b, "fully-connected-conv", TestModels.Random(size, 5));
            Assert.Equal(["Flatten", "Gemm", "Reshape", "Relu"], PassTestKit.Ops(compiled));
            // With every pass: the Relu fuses into the Conv first and moves with it to the Gemm.
            string path = TestModels.Save(b);
            var all = ModelCompiler.CompileFile(path, new CompileOptions());
            Assert.Equal(["Flatten", "Gemm", "Reshape"], all.Plan.Steps.Select(s => s.OpType));
            Assert.Equal("Relu", all.Plan.Steps[1].Attributes.GetString(FusedActivation.AttributeName, ""));
            var x = TestModels.Random(size, 6, 3f);
            TestModels.AssertClose(TestModels.Run(path, new CompileOptions { Optimize = false }, x), TestModels.Run(path, new CompileOptions(), x));
        }
        foreach (var attributes in new (string, object)[][] { [("pads", new[] { 1, 0, 1, 0 })], [("group", 2)], [("dilations", new[] { 2, 1 })] })
        {
            var b = new OnnxModelBuilder("not-fc", 17);
            b.Input("x", ElementType.Float32, 1, 4, 3, 1);
            int perGroup = attributes[0].Item1 == "group" ? 2 : 4, kernel = attributes[0].Item1 == "dilations" ? 2 : 3;
            var h = b.Op("Conv", ["x", b.Initializer("w", TestModels.Random(6 * perGroup * kernel, 3), 6, perGroup, kernel, 1)], attributes);
            b.Node("Relu", [h], ["y"]);
            int outH = attributes[0].Item1 == "pads" ? 3 : 1;
            b.Output("y", ElementType.Float32, 1, 6, outH, 1);
            var compiled = PassTestKit.CheckNumerics(b, "fully-connected-conv", TestModels.Random(12, 5));
            Assert.Equal(["Conv", "Relu"], PassTestKit.Ops(compiled));
        }
    }

    [Theory]
    [InlineData("Relu")]
    [InlineData("Clip")]
    [InlineData("Sigmoid")]
    [InlineData("LeakyRelu")]
    [InlineData("HardSwish")]
    public void Activation_fuses_into_conv(string activation)
    {
        var b = new OnnxModelBuilder("fuse", 17);
        b.Input("x", ElementType.Float32, 1, 2, 10);
        var h = b.Op("Conv", ["x", b.Initializer("w", TestModels.Random(3 * 2 * 3, 1), 3, 2, 3)], ("kernel_shape", new[] { 3 }));
        var inputs = activation == "Clip" ? new[] { h, b.Initializer("lo", [-0.2f]), b.Initializer("hi", [0.3f]) } : [h];
        b.Node(activation, inputs, ["y"]);
        b.Output("y", ElementType.Float32, 1, 3, 8);
        var compiled = PassTestKit.CheckNumerics(b, "activation-fusion", TestModels.Random(20, 2, 3f));
        Assert.Equal(["Conv"], PassTestKit.Ops(compiled));
        Assert.Equal(activation, compiled.Plan.Steps[0].Attributes.GetString(FusedActivation.AttributeName, ""));
    }

    [Fact]
    public void Decomposed_layernorm_from_pytorch_becomes_one_node()
    {
        var b = new OnnxModelBuilder("ln", 17);
        b.Input("x", ElementType.Float32, 1, 3, 8);
        var axes = b.Initializer("axes", new long[] { -1 }, 1);
        var mean = b.Op("ReduceMean", ["x", axes]);
        var diff = b.Op("Sub", ["x", mean]);
        var variance = b.Op("ReduceMean", [b.Op("Pow", [diff, b.Initializer("two", [2f])]), axes]);
        var std = b.Op("Sqrt", [b.Op("Add", [variance, b.Initializer("eps", [1e-5f])])]);
        var scaled = b.Op("Mul", [b.Op("Div", [diff, std]), b.Initializer("gamma", TestModels.Random(8, 1), 8)]);
        b.Node("Add", [scaled, b.Initializer("beta", TestModels.Random(8, 2), 8)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 3, 8);
        var compiled = PassTestKit.CheckNumerics(b, "layernorm-fusion", TestModels.Random(24, 3, 4f));
        Assert.Equal(["LayerNormalization"], PassTestKit.Ops(compiled));
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn1d")]
    [InlineData("cnn2d")]
    [InlineData("layernorm")]
    [InlineData("recurrent")]
    [InlineData("broadcast")]
    public void All_passes_together_compute_what_the_unoptimised_graph_computes(string family)
    {
        for (int seed = 100; seed < 110; seed++)
        {
            string path = TestModels.Save(RandomGraphs.Create(family, seed));
            var compiled = ModelCompiler.CompileFile(path, new CompileOptions { Optimize = false });
            var inputs = Enumerable.Range(0, compiled.Plan.Inputs.Length).Select(i => TestModels.Random((int)compiled.Plan.Input(i).Info.ElementCount, seed + i)).ToArray();
            var reference = TestModels.Run(path, new CompileOptions { Optimize = false }, inputs);
            var optimised = TestModels.Run(path, new CompileOptions(), inputs);
            TestModels.AssertClose(reference, optimised, 1e-5);
        }
    }
}
