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
        using var ort = new OnnxRuntimeReference(exported);
        int differing = 0;
        foreach (var x in QuantModels.Samples(50, 64, 5000))
        {
            x.CopyTo(executor.Input<float>(0));
            executor.Run();
            var ours = executor.Output<float>(0).ToArray();
            var theirs = ort.Run([ConstantTensor.FromArray(ElementType.Float32, [1, 64], x)])[0].AsSpan<float>().ToArray();
            Assert.Equal(ours.Length, theirs.Length);
            for (int i = 0; i < ours.Length; i++)
            {
                float d = Math.Abs(ours[i] - theirs[i]);
                Assert.True(d <= step * 1.001f, $"output {i}: EdgeToken {ours[i]}, ONNX Runtime {theirs[i]}, step {step}");
                if (d > 0) differing++;
            }
        }
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
}
