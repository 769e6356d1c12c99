using EdgeToken.Cli.Reference;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Quantization;

/// <summary>Models that arrive quantized: our own quantized models exported as QDQ and compiled again.</summary>
public class QdqImportTests
{
    public static TheoryData<string> Models() => ["mlp", "cnn1d", "cnn2d", "dscnn2d", "branches"];

    private static (OnnxModelBuilder Model, int[] InputDims) Model(string name) => name switch
    {
        "mlp" => (QuantModels.Mlp(seed: 3), [1, 64]),
        "branches" => (MergeQuantizationTests.Branches(), [1, 4, 32]), // a residual Add, a Mul gate and a Concat, all int8
        _ => QuantizedConvTests.Model(name),
    };

    /// <summary>Quantizes the float model, writes it as QDQ and returns the quantized compilation and the QDQ file.</summary>
    private static (CompiledModel Quantized, string QdqPath, int[] Dims, int Length) Export(string name)
    {
        var (builder, dims) = Model(name);
        var (_, q, dir, length) = QuantModels.CompileBoth(builder, dims);
        string qdq = Path.Combine(dir, "model.qdq.onnx");
        QdqExporter.Export(q.Graph).Save(qdq);
        return (q, qdq, dims, length);
    }

    private static float[] Run(PlanExecutor e, float[] x) => QuantModels.Run(e, x);

    [Theory]
    [MemberData(nameof(Models))]
    public void A_qdq_model_runs_on_the_int8_kernels_as_the_model_it_was_exported_from(string name)
    {
        var (q, qdq, _, length) = Export(name);
        var imported = ModelCompiler.CompileFile(qdq);
        var ops = imported.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.False(ops.Any(o => o is "Conv" or "Gemm" or "MatMul"), $"float layers left: {string.Join(", ", ops)}; passes {string.Join(", ", imported.Passes)}");
        Assert.Equal(q.Plan.Steps.Select(s => s.OpType), ops);
        Assert.Contains(imported.Passes, p => p.Pass == "qdq-folding"
            && p.Rewrites == q.QuantizedLayers.Count + ops.Count(o => o is QGlobalAveragePool.OpType or QMerge.AddOpType or QMerge.MulOpType or QMerge.ConcatOpType or QLookup.OpType));
        Assert.Equal(q.Plan.Weights.Length, imported.Plan.Weights.Length);

        // Same int8 weights, scales, biases and multipliers: the very same outputs.
        var (original, again) = (new PlanExecutor(q.Plan), new PlanExecutor(imported.Plan));
        foreach (var x in QuantModels.Samples(20, length, 4000))
            Assert.Equal(Run(original, x), Run(again, x));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void The_folded_model_matches_onnx_runtime_on_the_same_qdq_file_within_one_step(string name)
    {
        var (q, qdq, dims, length) = Export(name);
        var imported = ModelCompiler.CompileFile(qdq);
        float step = q.QuantizedLayers[^1].Output.Scale;
        var executor = new PlanExecutor(imported.Plan);
        var (differing, total) = QuantModels.CompareWithOnnxRuntime(executor, qdq, dims, QuantModels.Samples(30, length, 6000), step);
        Assert.True(differing < total / 10, $"{differing} of {total} outputs differ");
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn2d")]
    public void Uint8_activations_as_onnx_runtime_writes_them_fold_the_same(string name)
    {
        var (q, qdq, dims, length) = Export(name);
        // The same model with uint8 activations: every activation zero point + 128 as uint8; weights stay int8.
        var model = EdgeToken.Compiler.Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(qdq));
        int changed = 0;
        foreach (var t in model.Graph.Initializer.Where(t => t.DataType == (int)ElementType.Int8 && t.Dims.Count == 0 && !t.Name.EndsWith("_w_zero_point", StringComparison.Ordinal)))
        {
            t.DataType = (int)ElementType.UInt8;
            t.RawData = Google.Protobuf.ByteString.CopyFrom([(byte)((sbyte)t.RawData[0] + 128)]);
            changed++;
        }
        Assert.True(changed > 0);
        string u8 = Path.Combine(Path.GetDirectoryName(qdq)!, "model.u8.onnx");
        File.WriteAllBytes(u8, Google.Protobuf.MessageExtensions.ToByteArray(model));

        var imported = ModelCompiler.CompileFile(u8);
        Assert.Equal(q.Plan.Steps.Select(s => s.OpType), imported.Plan.Steps.Select(s => s.OpType));
        var (original, again) = (new PlanExecutor(q.Plan), new PlanExecutor(imported.Plan));
        using var ort = new OnnxRuntimeReference(u8);
        float step = q.QuantizedLayers[^1].Output.Scale;
        foreach (var x in QuantModels.Samples(20, length, 7000))
        {
            var ours = Run(again, x);
            Assert.Equal(Run(original, x), ours);
            var theirs = ort.Run([ConstantTensor.FromArray(ElementType.Float32, dims, x)])[0].AsSpan<float>().ToArray();
            for (int i = 0; i < ours.Length; i++) Assert.True(Math.Abs(ours[i] - theirs[i]) <= step * 1.001f, $"output {i}: {ours[i]} vs {theirs[i]}");
        }
    }

    [Fact]
    public void A_qdq_model_is_not_quantized_again_when_calibration_data_is_given()
    {
        var (q, qdq, _, length) = Export("cnn1d");
        string calib = QuantModels.WriteF32(Path.GetDirectoryName(qdq)!, QuantModels.Samples(10, length, 1), "again.f32");
        var again = ModelCompiler.CompileFile(qdq, new CompileOptions { CalibrationPath = calib });
        Assert.Empty(again.QuantizedLayers);
        Assert.Contains("arrives quantized", again.QuantizationSkipped);
        Assert.Equal(q.Plan.Steps.Select(s => s.OpType), again.Plan.Steps.Select(s => s.OpType));
        Assert.Null(ModelCompiler.CompileFile(qdq).QuantizationSkipped);
    }

    [Fact]
    public void A_manifest_with_a_quantized_model_and_an_int8_section_compiles_without_quantizing_again()
    {
        var (_, qdq, _, _) = Export("mlp");
        string dir = Path.GetDirectoryName(qdq)!;
        QuantModels.WriteF32(dir, QuantModels.Samples(20, 64, 100), "calib.f32");
        string path = Path.Combine(dir, "Mlp.edgemodel.json");
        File.WriteAllText(path, """
            {
              "name": "Mlp",
              "namespace": "Tests",
              "model": "model.qdq.onnx",
              "input": { "channels": 1, "sampleRate": 100, "window": 64 },
              "optimization": { "calibration": "calib.f32", "quantize": { "method": "MinMax" } },
              "output": { "kind": "regression" }
            }
            """);
        var result = ManifestCompiler.Compile(path);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var model = result.Compilation!.Model;
        Assert.Empty(model.QuantizedLayers);
        Assert.NotNull(model.QuantizationSkipped);
        Assert.Equal(3, model.Plan.Steps.Count(s => s.OpType == QGemm.OpType));
    }

    [Fact]
    public void A_pool_and_a_flatten_between_dequantize_and_quantize_with_the_same_parameters_run_on_int8()
    {
        // x → Q → DQ → MaxPool → Q → DQ → Flatten → Q → DQ → y, one scale and zero point throughout, as ONNX Runtime's
        // quantizer writes a pool between quantized layers.
        var b = new OnnxModelBuilder("qdq_pool", 17);
        b.Input("x", ElementType.Float32, 1, 4, 16);
        string scale = b.Initializer("s", new[] { 0.05f }), zero = b.Initializer("z", ElementType.Int8, [unchecked((byte)-3)]);
        string Q(string v) => b.Op("QuantizeLinear", [v, scale, zero]);
        string Dq(string v) => b.Op("DequantizeLinear", [v, scale, zero]);
        var pooled = b.Op("MaxPool", [Dq(Q("x"))], ("kernel_shape", new[] { 2 }), ("strides", new[] { 2 }));
        var flat = b.Op("Flatten", [Dq(Q(pooled))]);
        b.Node("DequantizeLinear", [Q(flat), scale, zero], ["y"]);
        b.Output("y", ElementType.Float32, 1, 32);
        string dir = TestModels.TempDir();
        string path = TestModels.Save(b, dir);

        var compiled = ModelCompiler.CompileFile(path);
        var ops = compiled.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.Equal(["QuantizeLinear", "MaxPool", "Flatten", "DequantizeLinear"], ops);
        Assert.Equal(ElementType.Int8, compiled.Plan.Tensors[compiled.Plan.Steps[1].Outputs[0]].Type);

        // Exact: the pool only selects values, so ONNX Runtime's float pool between the same Q/DQ gives the same numbers.
        var executor = new PlanExecutor(compiled.Plan);
        var (differing, total) = QuantModels.CompareWithOnnxRuntime(executor, path, [1, 4, 16], QuantModels.Samples(20, 64, 99), 0.05f);
        Assert.Equal(0, differing);
        Assert.Equal(20 * 32, total);
    }
    [Fact]
    public void Views_between_dequantize_and_quantize_with_the_same_parameters_run_on_int8()
    {
        // x → Q → DQ → Reshape → Q → DQ → Unsqueeze → Q → DQ → Squeeze → Q → DQ → Identity → Q → DQ → y: the views
        // exporters put between layers, each wrapped as ONNX Runtime's quantizer wraps them.
        var b = new OnnxModelBuilder("qdq_views", 17);
        b.Input("x", ElementType.Float32, 1, 4, 16);
        string scale = b.Initializer("s", new[] { 0.05f }), zero = b.Initializer("z", ElementType.Int8, [unchecked((byte)-3)]);
        string axes = b.Initializer("axes", new long[] { 1 }, 1);
        string Q(string v) => b.Op("QuantizeLinear", [v, scale, zero]);
        string Dq(string v) => b.Op("DequantizeLinear", [v, scale, zero]);
        var flat = b.Op("Reshape", [Dq(Q("x")), b.Initializer("shape", new long[] { 1, -1 }, 2)]);
        var wide = b.Op("Unsqueeze", [Dq(Q(flat)), axes]);
        var narrow = b.Op("Squeeze", [Dq(Q(wide)), axes]);
        var same = b.Op("Identity", [Dq(Q(narrow))]);
        b.Node("DequantizeLinear", [Q(same), scale, zero], ["y"]);
        b.Output("y", ElementType.Float32, 1, 64);
        string dir = TestModels.TempDir();
        string path = TestModels.Save(b, dir);

        var compiled = ModelCompiler.CompileFile(path);
        var ops = compiled.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.True(ops.Count(o => o == "QuantizeLinear") == 1 && ops.Count(o => o == "DequantizeLinear") == 1, string.Join(", ", ops));
        Assert.All(compiled.Plan.Steps.Where(s => s.OpType is "Reshape" or "Unsqueeze" or "Squeeze" or "Identity"),
            s => Assert.Equal(ElementType.Int8, compiled.Plan.Tensors[s.Outputs[0]].Type));

        // Exact: the views only move values.
        var executor = new PlanExecutor(compiled.Plan);
        var (differing, total) = QuantModels.CompareWithOnnxRuntime(executor, path, [1, 4, 16], QuantModels.Samples(20, 64, 98), 0.05f);
        Assert.Equal(0, differing);
        Assert.Equal(20 * 64, total);
    }
}
