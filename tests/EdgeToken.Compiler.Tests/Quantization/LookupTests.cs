using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Compiler.Tests.ThirdParty;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;
using Xunit.Abstractions;

namespace EdgeToken.Compiler.Tests.Quantization;

public class LookupTests(ITestOutputHelper output)
{
    public static TheoryData<string, float, float, bool> Steps() => new()
    {
        { "Relu", 0, 0, false }, { "LeakyRelu", 0.2f, 0, false }, { "Clip", -0.5f, 0.8f, false }, { "Sigmoid", 0, 0, false },
        { "Tanh", 0, 0, false }, { "HardSigmoid", 0.3f, 0.4f, false }, { "HardSwish", 0, 0, false }, { "Elu", 0.7f, 0, false },
        { "Gelu", 0, 0, false }, { "Gelu", 1, 0, false }, { "Max", -0.3f, 0, false }, { "Min", 0.4f, 0, false }, { "Add", 0.25f, 0, false },
        { "Sub", 0.25f, 0, false }, { "Sub", 0.25f, 0, true }, { "Mul", -1.5f, 0, false }, { "Div", 3f, 0, false }, { "Div", 3f, 0, true },
    };

    /// <summary>The same operators written out independently, in float as an ONNX runtime computes them.</summary>
    private static float Reference(string op, float a, float b, bool first, float x) => op switch
    {
        "Relu" => MathF.Max(x, 0),
        "LeakyRelu" => x < 0 ? a * x : x,
        "Clip" => Math.Clamp(x, a, b),
        "Sigmoid" => 1 / (1 + MathF.Exp(-x)),
        "Tanh" => MathF.Tanh(x),
        "HardSigmoid" => Math.Clamp(a * x + b, 0, 1),
        "HardSwish" => x * Math.Clamp(x / 6 + 0.5f, 0, 1),
        "Elu" => x < 0 ? a * (MathF.Exp(x) - 1) : x,
        "Gelu" => a == 0 ? (float)(0.5 * x * (1 + Erf(x / Math.Sqrt(2)))) : 0.5f * x * (1 + MathF.Tanh(MathF.Sqrt(2 / MathF.PI) * (x + 0.044715f * x * x * x))),
        "Max" => MathF.Max(x, a),
        "Min" => MathF.Min(x, a),
        "Add" => x + a,
        "Sub" => first ? a - x : x - a,
        "Mul" => x * a,
        _ => first ? a / x : x / a,
    };

    // Series erf (converges fast for |x| < 4, the table's range here), independent of the runtime's approximation.
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 60; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void A_table_holds_the_float_operator_within_one_output_step(string op, float a, float b, bool constantFirst)
    {
        var step = new LookupStep(op, a, b, constantFirst);
        // x over [-3.2, 3.175]; y's range chosen wide enough for every operator (Div by x reaches ±12 around 0 codes).
        double sx = 0.025, sy = op == "Div" && constantFirst ? 0.1 : 0.03;
        int zx = 0, zy = 3;
        var table = new Int8Lookup(step.Apply, sx, zx, sy, zy);
        for (int q = -128; q < 128; q++)
        {
            if (op == "Div" && constantFirst && q == 0) continue; // c / 0
            float y = Reference(op, a, b, constantFirst, (float)(sx * (q - zx)));
            double expected = Math.Clamp(y / sy + zy, -128, 127);
            Assert.True(Math.Abs(table.Table[(byte)(sbyte)q] - expected) <= 1, $"{op}({sx * (q - zx)}): table {table.Table[(byte)(sbyte)q]}, float {expected:F2}");
        }
    }

    /// <summary>x [1, 4, 32] → Conv k3 pad 1, 4→8 + LeakyRelu(0.2) → Max(·, -0.05) → MaxPool 2 → Conv k3 pad 1, 8→8 + Tanh
    /// → Flatten → Gemm 128→5 → y [1, 5]: the shape of openWakeWord's embedding model, plus a Tanh under a Flatten.</summary>
    internal static OnnxModelBuilder LeakyCnn(int seed = 1)
    {
        var b = new OnnxModelBuilder("leaky", 17);
        b.Input("x", ElementType.Float32, 1, 4, 32);
        var h = b.Op("LeakyRelu", [b.Op("Conv", ["x", b.Initializer("w1", TestModels.Random(8 * 4 * 3, seed, 0.4f), 8, 4, 3),
            b.Initializer("b1", TestModels.Random(8, seed + 1, 0.1f), 8)], ("pads", new long[] { 1, 1 }))], ("alpha", 0.2f));
        h = b.Op("Max", [h, b.Initializer("floor", [-0.05f])]);
        h = b.Op("MaxPool", [h], ("kernel_shape", new long[] { 2 }), ("strides", new long[] { 2 }));
        h = b.Op("Tanh", [b.Op("Conv", [h, b.Initializer("w2", TestModels.Random(8 * 8 * 3, seed + 2, 0.3f), 8, 8, 3),
            b.Initializer("b2", TestModels.Random(8, seed + 3, 0.1f), 8)], ("pads", new long[] { 1, 1 }))]);
        h = b.Op("Flatten", [h]);
        b.Node("Gemm", [h, b.Initializer("w3", TestModels.Random(5 * 128, seed + 4, 0.2f), 5, 128),
            b.Initializer("b3", TestModels.Random(5, seed + 5, 0.1f), 5)], ["y"], ("transB", 1L));
        b.Output("y", ElementType.Float32, 1, 5);
        return b;
    }

    private static readonly int[] Dims = [1, 4, 32];

    [Fact]
    public void Conv_leaky_relu_max_maxpool_conv_gemm_quantizes_fully_and_stays_int8()
    {
        var (f, q, _, length) = QuantModels.CompileBoth(LeakyCnn(), Dims);
        var ops = q.Plan.Steps.Select(s => s.OpType).ToList();
        output.WriteLine(string.Join(" → ", ops));
        Assert.Equal(["QuantizeLinear", QConv.OpType, QLookup.OpType, "MaxPool", QConv.OpType, QLookup.OpType, "Flatten", QGemm.OpType, "DequantizeLinear"], ops);
        Assert.Equal(3, q.QuantizedLayers.Count);

        var (sqnr, _) = QuantModels.Compare(new PlanExecutor(f.Plan), new PlanExecutor(q.Plan), length);
        output.WriteLine($"output SQNR {sqnr:F1} dB");
        Assert.True(sqnr > 25, $"output SQNR {sqnr:F1} dB");
    }

    [Fact]
    public void Onnx_runtime_on_the_qdq_export_matches_edgetoken_int8_within_one_step()
    {
        var (_, q, dir, length) = QuantModels.CompileBoth(LeakyCnn(), Dims);
        var exported = QdqExporter.Export(q.Graph);
        var ops = exported.Model.Graph.Node.Select(n => n.OpType).ToList();
        Assert.DoesNotContain(ops, o => o.StartsWith("EdgeToken", StringComparison.Ordinal));
        Assert.Contains("LeakyRelu", ops);
        Assert.Contains("Max", ops);
        Assert.Contains("Tanh", ops);
        string path = Path.Combine(dir, "leaky.qdq.onnx");
        exported.Save(path);
        var (differing, total) = QuantModels.CompareWithOnnxRuntime(new PlanExecutor(q.Plan), path, Dims, QuantModels.Samples(30, length, 5000),
            q.QuantizedLayers[^1].Output.Scale);
        Assert.True(differing < total / 10, $"{differing} of {total} outputs differ");
    }

    [Fact]
    public void The_int8_plan_with_lookups_runs_without_allocating()
    {
        var (_, q, _, length) = QuantModels.CompileBoth(LeakyCnn(), Dims);
        var e = new PlanExecutor(q.Plan);
        QuantModels.Samples(1, length, 7)[0].CopyTo(e.Input<float>(0));
        e.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) e.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The other order: x [1, 4, 32] → Conv k3 pad 1 → MaxPool 2 → Sigmoid → Mul(·, 2) → Conv 1×1: the table
    /// reads the int8 MaxPool over the int8 convolution.</summary>
    [Fact]
    public void A_lookup_over_a_maxpool_over_a_quantized_conv_stays_int8()
    {
        var b = new OnnxModelBuilder("pool-then-sigmoid", 17);
        b.Input("x", ElementType.Float32, 1, 4, 32);
        var h = b.Op("Conv", ["x", b.Initializer("w1", TestModels.Random(8 * 4 * 3, 1, 0.4f), 8, 4, 3)], ("pads", new long[] { 1, 1 }));
        h = b.Op("MaxPool", [h], ("kernel_shape", new long[] { 2 }), ("strides", new long[] { 2 }));
        h = b.Op("Mul", [b.Op("Sigmoid", [h]), b.Initializer("two", [2f])]);
        b.Node("Conv", [h, b.Initializer("w2", TestModels.Random(6 * 8, 2, 0.4f), 6, 8, 1)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 6, 16);
        var (_, q, dir, length) = QuantModels.CompileBoth(b, Dims);
        Assert.Equal(["QuantizeLinear", QConv.OpType, "MaxPool", QLookup.OpType, QConv.OpType, "DequantizeLinear"], q.Plan.Steps.Select(s => s.OpType));
        string path = Path.Combine(dir, "pool-then-sigmoid.qdq.onnx");
        QdqExporter.Export(q.Graph).Save(path);
        QuantModels.CompareWithOnnxRuntime(new PlanExecutor(q.Plan), path, Dims, QuantModels.Samples(10, length, 5000), q.QuantizedLayers[^1].Output.Scale);
    }

    [ThirdPartyFact]
    public void Every_convolution_of_the_wake_word_embedding_model_quantizes()
    {
        string model = ThirdPartyFactAttribute.Model("embedding_model.onnx");
        string dir = TestModels.TempDir();
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(8, 76 * 32, 11));
        var bindings = new Dictionary<string, int> { ["unk__314"] = 1 };
        var q = ModelCompiler.CompileFile(model, new CompileOptions { Bindings = bindings, CalibrationPath = calib });
        var ops = q.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.Equal(20, q.QuantizedLayers.Count);
        Assert.DoesNotContain("Conv", ops);
        Assert.Equal(19, ops.Count(o => o == QLookup.OpType));
        foreach (var l in q.QuantizedLayers) output.WriteLine($"{l.Name}: {l.SqnrDb:F1} dB");
    }
}
