using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Tests.Quantization;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Compiler.Tests.Pruning;

public class ManifestOptimizationTests
{
    /// <summary>The test MLP (64 features → 10 scores) behind a manifest with the given optimization section.</summary>
    private static string Manifest(string optimization, string kind = "classes")
    {
        string dir = TestModels.TempDir();
        TestModels.Save(QuantModels.Mlp(), dir, "mlp.onnx");
        QuantModels.WriteF32(dir, QuantModels.Samples(40, 64, 100), "calib.f32");
        QuantModels.WriteF32(dir, QuantModels.Samples(60, 64, 700), "validation.f32");
        string output = kind == "classes"
            ? "{ \"kind\": \"classes\", \"labels\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"] }"
            : "{ \"kind\": \"regression\" }";
        string path = Path.Combine(dir, "Mlp.edgemodel.json");
        File.WriteAllText(path, $$"""
            {
              "name": "Mlp",
              "namespace": "Tests",
              "model": "mlp.onnx",
              "input": { "channels": 1, "sampleRate": 100, "window": 64 },
              "optimization": {{optimization}},
              "output": {{output}}
            }
            """);
        return path;
    }

    [Fact]
    public void Quantization_and_pruning_from_the_manifest_within_budget()
    {
        var result = ManifestCompiler.Compile(Manifest("""
            { "calibration": "calib.f32", "quantize": { "method": "MinMax" }, "prune": { "sparsity": 0.2 },
              "validation": { "data": "validation.f32" }, "budget": { "maxAccuracyDrop": 20 } }
            """));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var model = result.Compilation!.Model;
        Assert.Equal(3, model.QuantizedLayers.Count);
        Assert.Equal(3, model.PrunedLayers.Count);
        Assert.Contains(model.Plan.Steps, s => s.OpType == QGemm.OpType);
        var v = result.Compilation.Validation!;
        Assert.Equal(60, v.Samples);
        Assert.Equal(1.0, v.FloatAccuracy);
        Assert.True(v.AccuracyDrop <= 0.2, $"{v.AccuracyDrop}");
    }

    [Fact]
    public void A_missed_budget_is_ET0015_naming_the_costliest_layers()
    {
        var result = ManifestCompiler.Compile(Manifest("""
            { "calibration": "calib.f32", "quantize": { }, "prune": { "sparsity": 0.9 },
              "validation": { "data": "validation.f32" }, "budget": { "minSqnrDb": 40, "maxOutputError": 0.001 } }
            """, kind: "regression"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("ET0015", d.Id);
        Assert.Contains("output SQNR", d.Message);
        Assert.Contains("Layers that cost the most: ", d.Message);
        Assert.Contains("Gemm_", d.Message);
    }

    [Fact]
    public void Quantizing_without_calibration_data_is_an_error_at_the_section()
    {
        var result = ManifestCompiler.Compile(Manifest("""{ "quantize": { } }"""));
        Assert.Contains(result.Diagnostics, d => d.Id == ManifestDiagnosticIds.InvalidValue && d.Message.Contains("calibration"));
    }

    [Fact]
    public void A_bad_pattern_is_reported()
    {
        var result = ManifestCompiler.Compile(Manifest("""{ "prune": { "pattern": "4:2" } }"""));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("optimization.prune.pattern"));
    }
}
