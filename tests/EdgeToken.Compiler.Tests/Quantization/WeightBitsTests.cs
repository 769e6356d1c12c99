using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Compiler.Tests.Quantization;

/// <summary>7-bit weights ([-64, 64]): every adjacent pair fits the u8 x s8 kernels (<see cref="U8S8Pairs"/>), chosen from
/// the options, the manifest or the command line, with a clear error for any other width.</summary>
public class WeightBitsTests
{
    [Fact]
    public void Seven_bits_spans_minus_64_to_64_and_every_pair_fits()
    {
        var (w, scales) = WeightQuantizer.Quantize([1f, -0.5f, 0f, 0.25f, -2f, 0f], 2, 3, perChannel: true, bits: 7);
        Assert.Equal([64, -32, 0, 8, -64, 0], w);
        Assert.Equal([1f / 64, 2f / 64], scales);

        var rng = new Random(5);
        var values = Enumerable.Range(0, 40 * 33).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        foreach (bool perChannel in new[] { true, false })
        {
            var (q, _) = WeightQuantizer.Quantize(values, 40, 33, perChannel, bits: 7);
            Assert.Equal(64, q.Max(v => Math.Abs((int)v)));
            Assert.True(U8S8Pairs.Fit(q.AsSpan(0, 40 * 32)));
            var (q8, _) = WeightQuantizer.Quantize(values, 40, 33, perChannel, bits: 8);
            Assert.Equal(127, q8.Max(v => Math.Abs((int)v)));
            Assert.False(U8S8Pairs.Fit(q8.AsSpan(0, 40 * 32)));
        }
        Assert.Equal(127, WeightQuantizer.MaxLevel(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => WeightQuantizer.Quantize(values, 40, 33, true, bits: 6));
    }

    [Fact]
    public void Compiling_with_seven_bits_keeps_every_quantized_weight_within_64_and_costs_a_few_db()
    {
        var dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Mlp(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(40, 64, 100));
        CompiledModel Compile(int bits) => ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Quantize = new QuantizeOptions { WeightBits = bits } });
        var m8 = Compile(8);
        var m7 = Compile(7);
        var weights = m7.Graph.Nodes.Where(n => n.OpType == QGemm.OpType).Select(n => n.Inputs[1]!.Constant!.AsSpan<sbyte>().ToArray()).ToList();
        Assert.Equal(3, weights.Count);
        foreach (var w in weights)
        {
            Assert.InRange(w.Min(), -64, 64);
            Assert.InRange(w.Max(), -64, 64);
        }
        for (int i = 0; i < m7.QuantizedLayers.Count; i++)
        {
            // One bit less on the weights: the layer's SQNR drops, but stays far above what makes int8 usable.
            Assert.True(m7.QuantizedLayers[i].SqnrDb < m8.QuantizedLayers[i].SqnrDb + 1, $"{m7.QuantizedLayers[i].Name}");
            Assert.True(m7.QuantizedLayers[i].SqnrDb > 20, $"{m7.QuantizedLayers[i].Name}: {m7.QuantizedLayers[i].SqnrDb} dB");
        }
        Assert.Throws<ArgumentException>(() => Compile(6));
    }

    private static string Manifest(string quantize)
    {
        string dir = TestModels.TempDir();
        TestModels.Save(QuantModels.Mlp(), dir, "mlp.onnx");
        QuantModels.WriteF32(dir, QuantModels.Samples(40, 64, 100), "calib.f32");
        string path = Path.Combine(dir, "Mlp.edgemodel.json");
        File.WriteAllText(path, $$"""
            {
              "name": "Mlp",
              "namespace": "Tests",
              "model": "mlp.onnx",
              "input": { "channels": 1, "sampleRate": 100, "window": 64 },
              "optimization": { "calibration": "calib.f32", "quantize": {{quantize}} },
              "output": { "kind": "regression" }
            }
            """);
        return path;
    }

    [Fact]
    public void The_manifest_takes_weight_bits_7()
    {
        var result = ManifestCompiler.Compile(Manifest("""{ "weightBits": 7 }"""));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(7, result.Compilation!.Manifest.Optimization!.QuantizeOptions.WeightBits);
        foreach (var n in result.Compilation.Model.Graph.Nodes.Where(n => n.OpType == QGemm.OpType))
            Assert.True(U8S8Pairs.Fit(n.Inputs[1]!.Constant!.AsSpan<sbyte>()));
        var defaulted = ManifestCompiler.Compile(Manifest("{ }"));
        Assert.Equal(8, defaulted.Compilation!.Manifest.Optimization!.QuantizeOptions.WeightBits);
    }

    [Theory]
    [InlineData("6", "'optimization.quantize.weightBits' is 6; use 8")]
    [InlineData("16", "'optimization.quantize.weightBits' is 16; use 8")]
    [InlineData("\"7\"", "weightBits")]
    [InlineData("7.5", "weightBits")]
    public void Other_weight_bits_in_the_manifest_are_an_invalid_value_at_the_field(string value, string message)
    {
        string path = Manifest($$"""{ "weightBits": {{value}} }""");
        var result = ManifestCompiler.Compile(path);
        Assert.False(result.Succeeded);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(ManifestDiagnosticIds.InvalidValue, d.Id);
        Assert.Contains(message, d.Message);
        // The position is the value's: its line in the manifest.
        int line = File.ReadAllLines(path).ToList().FindIndex(l => l.Contains("weightBits")) + 1;
        Assert.Equal(line, d.Line);
    }

    [Fact]
    public void The_manifest_takes_recurrent_quantization_and_refuses_a_non_boolean()
    {
        var result = ManifestCompiler.Compile(Manifest("""{ "recurrent": true }"""));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.True(result.Compilation!.Manifest.Optimization!.QuantizeOptions.Recurrent);
        Assert.False(ManifestCompiler.Compile(Manifest("""{ "recurrent": false }""")).Compilation!.Manifest.Optimization!.QuantizeOptions.Recurrent);
        // Absent: the cost model decides per GRU.
        Assert.Null(ManifestCompiler.Compile(Manifest("{ }")).Compilation!.Manifest.Optimization!.QuantizeOptions.Recurrent);
        var refused = ManifestCompiler.Compile(Manifest("""{ "recurrent": "yes" }"""));
        Assert.False(refused.Succeeded);
        Assert.Contains("recurrent", Assert.Single(refused.Diagnostics).Message);
    }
}
