using EdgeToken.Cli.Reference;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Quantization;

public class QuantizedConvTests
{
    public static TheoryData<string> Models() => ["cnn1d", "cnn2d", "dscnn2d", "views1d"];

    internal static (OnnxModelBuilder Model, int[] InputDims) Model(string name) => name switch
    {
        "cnn1d" => (QuantModels.Cnn1D(), [1, 4, 32]),
        "dscnn2d" => (QuantModels.DsCnn2D(), [1, 1, 16, 16]),
        "views1d" => (QuantModels.Views1D(), [1, 4, 32]),
        _ => (QuantModels.Cnn2D(), [1, 3, 10, 10]),
    };

    private static (CompiledModel Float, CompiledModel Int8, string Dir, int Length) CompileBoth(string name, bool perChannel = true)
    {
        var (builder, dims) = Model(name);
        return QuantModels.CompileBoth(builder, dims, perChannel);
    }

    private static float[] Run(PlanExecutor e, float[] x) => QuantModels.Run(e, x);

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_conv_becomes_int8_and_the_report_covers_it(string name)
    {
        var (_, q, _, _) = CompileBoth(name);
        var ops = q.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.DoesNotContain("Conv", ops);
        Assert.Equal(name switch { "cnn1d" => 4, "views1d" => 2, _ => 3 }, ops.Count(o => o == QConv.OpType));
        Assert.DoesNotContain("GlobalAveragePool", ops);
        Assert.Equal(ops.Count(o => o == QConv.OpType), q.QuantizedLayers.Count(l => l.OpType == "Conv"));
        Assert.All(q.QuantizedLayers, l => Assert.True(l.SqnrDb > 20, $"{l.Name}: {l.SqnrDb:F1} dB"));
        Assert.All(q.QuantizedLayers, l => Assert.True(l.Macs > 0 && l.FloatWeightBytes == 4 * l.Int8WeightBytes, l.Name));
        // A chain of convolutions stays int8, through MaxPool, Flatten, GlobalAveragePool and the views (Unsqueeze,
        // Squeeze, Reshape) too: one quantize at the input, one dequantize at the output.
        Assert.Equal(name switch
        {
            "cnn1d" => ["QuantizeLinear", QConv.OpType, QConv.OpType, "MaxPool", QConv.OpType, QConv.OpType, "DequantizeLinear"],
            "cnn2d" => ["QuantizeLinear", QConv.OpType, QConv.OpType, QConv.OpType, "Flatten", QGemm.OpType, "DequantizeLinear"],
            "views1d" => ["Unsqueeze", "QuantizeLinear", QConv.OpType, "Squeeze", "Unsqueeze", QConv.OpType, "Squeeze", "Reshape", QGemm.OpType, "DequantizeLinear"],
            _ => ["QuantizeLinear", QConv.OpType, QConv.OpType, QConv.OpType, QGlobalAveragePool.OpType, "Flatten", QGemm.OpType, "DequantizeLinear"],
        }, ops);
    }

    [Theory]
    [InlineData("cnn1d", true)]
    [InlineData("cnn1d", false)]
    [InlineData("cnn2d", true)]
    [InlineData("dscnn2d", true)]
    [InlineData("views1d", true)]
    public void Int8_output_follows_the_float_model(string name, bool perChannel)
    {
        var (f, q, _, length) = CompileBoth(name, perChannel);
        var (ef, eq) = (new PlanExecutor(f.Plan), new PlanExecutor(q.Plan));
        double signal = 0, noise = 0;
        foreach (var x in QuantModels.Samples(20, length, 900))
        {
            var yf = Run(ef, x);
            var yq = Run(eq, x);
            for (int i = 0; i < yf.Length; i++) { signal += yf[i] * yf[i]; noise += (yf[i] - yq[i]) * (yf[i] - yq[i]); }
        }
        double sqnr = 10 * Math.Log10(signal / noise);
        // Four int8 layers deep, the last a Gemm over 300 inputs: the 2-D model keeps about 19.5 dB, the 1-D one more.
        Assert.True(sqnr > (name == "cnn2d" ? 18 : 25), $"{name} per-channel={perChannel}: output SQNR {sqnr:F1} dB");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_on_the_exported_qdq_model_matches_edgetoken_int8_within_one_step(string name)
    {
        var (_, q, dir, length) = CompileBoth(name);
        string exported = Path.Combine(dir, "model.qdq.onnx");
        QdqExporter.Export(q.Graph).Save(exported);
        var proto = QdqExporter.Export(q.Graph).Model;
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType.StartsWith("EdgeToken", StringComparison.Ordinal));

        var dims = Model(name).InputDims;
        float step = q.QuantizedLayers[^1].Output.Scale;
        var executor = new PlanExecutor(q.Plan);
        var (differing, total) = QuantModels.CompareWithOnnxRuntime(executor, exported, dims, QuantModels.Samples(30, length, 5000), step);
        // Only exact halves round differently (and an off-by-one there can carry into the next layer), so few differ.
        Assert.True(differing < total / 10, $"{differing} of {total} outputs differ");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void The_int8_conv_plan_runs_without_allocating(string name)
    {
        var (_, q, _, length) = CompileBoth(name);
        var e = new PlanExecutor(q.Plan);
        QuantModels.Samples(1, length, 7)[0].CopyTo(e.Input<float>(0));
        e.Run(); // warm up (JIT, tiering)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) e.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
