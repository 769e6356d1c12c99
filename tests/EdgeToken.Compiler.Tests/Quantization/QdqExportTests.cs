using EdgeToken.Cli.Reference;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Quantization;

public class QdqExportTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Onnx_runtime_on_the_exported_qdq_model_matches_edgetoken_int8_within_one_step(bool perChannel)
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Mlp(seed: 3), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(30, 64, 300));
        var q = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Quantize = new QuantizeOptions { PerChannelWeights = perChannel } });
        string exported = Path.Combine(dir, "model.qdq.onnx");
        QdqExporter.Export(q.Graph).Save(exported);

        float step = q.QuantizedLayers[^1].Output.Scale;
        var executor = new PlanExecutor(q.Plan);
        var (differing, _) = QuantModels.CompareWithOnnxRuntime(executor, exported, [1, 64], QuantModels.Samples(50, 64, 5000), step);
        // The two round differently at exact halves only, so nearly every value is identical.
        Assert.True(differing < 50, $"{differing} of 500 outputs differ");
    }

    [Fact]
    public void The_exported_model_is_qdq_with_int8_weights()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Mlp(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(5, 64, 1));
        var q = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib });
        var proto = QdqExporter.Export(q.Graph).Model;
        var ops = proto.Graph.Node.Select(n => n.OpType).ToList();
        Assert.Equal(3, ops.Count(o => o == "Gemm"));
        Assert.DoesNotContain(ops, o => o.StartsWith("EdgeToken", StringComparison.Ordinal));
        Assert.Equal(3 * 3 + 1, ops.Count(o => o == "DequantizeLinear")); // x, w, bias per layer, plus the model output
        Assert.All(proto.Graph.Initializer.Where(t => t.Name.EndsWith("_w_int8", StringComparison.Ordinal)), t => Assert.Equal((int)ElementType.Int8, t.DataType));
    }

    [Fact]
    public void A_layer_with_another_fused_activation_quantizes_and_exports_the_activation_as_its_own_node()
    {
        // Gemm + Relu (int8 clamp), Gemm + LeakyRelu and Gemm + HardSigmoid (the quantizer splits the activation off and
        // tabulates it in front of the next layer), Gemm. Every Gemm runs int8, the activations come back as ONNX nodes
        // between DequantizeLinear and QuantizeLinear, and ONNX Runtime on the exported file gives EdgeToken's outputs.
        var b = new EdgeToken.Compiler.Onnx.OnnxModelBuilder("mixed", 17);
        b.Input("x", ElementType.Float32, 1, 32);
        var h = b.Op("Relu", [b.Op("Gemm", ["x", b.Initializer("w1", TestModels.Random(32 * 24, 1, 0.3f), 32, 24), b.Initializer("b1", TestModels.Random(24, 2, 0.1f), 24)])]);
        h = b.Op("LeakyRelu", [b.Op("Gemm", [h, b.Initializer("w2", TestModels.Random(24 * 16, 3, 0.3f), 24, 16)])], ("alpha", 0.2f));
        h = b.Op("HardSigmoid", [b.Op("Gemm", [h, b.Initializer("w3", TestModels.Random(16 * 12, 4, 0.3f), 16, 12)])], ("alpha", 0.3f), ("beta", 0.4f));
        b.Node("Gemm", [h, b.Initializer("w4", TestModels.Random(12 * 6, 5, 0.3f), 12, 6)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 6);
        string dir = TestModels.TempDir();
        string model = TestModels.Save(b, dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(30, 32, 300));
        var q = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib });
        Assert.Equal(4, q.QuantizedLayers.Count);
        Assert.DoesNotContain(q.Plan.Steps, s => s.OpType == "Gemm");
        Assert.Equal(2, q.Plan.Steps.Count(s => s.OpType == EdgeToken.Runtime.Kernels.Int8.QLookup.OpType));

        var exported = QdqExporter.Export(q.Graph);
        var ops = exported.Model.Graph.Node.Select(n => n.OpType).ToList();
        Assert.Contains("LeakyRelu", ops);
        Assert.Contains("HardSigmoid", ops);
        Assert.DoesNotContain(exported.Model.Graph.Node.SelectMany(n => n.Attribute), a => a.Name.StartsWith("edgetoken.", StringComparison.Ordinal));
        string path = Path.Combine(dir, "mixed.qdq.onnx");
        exported.Save(path);

        var executor = new PlanExecutor(q.Plan);
        QuantModels.CompareWithOnnxRuntime(executor, path, [1, 32], QuantModels.Samples(20, 32, 7000), q.QuantizedLayers[^1].Output.Scale);
    }
}
