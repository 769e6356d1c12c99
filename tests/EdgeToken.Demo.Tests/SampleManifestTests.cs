using EdgeToken.Compiler.Manifests;

namespace EdgeToken.Demo.Tests;

/// <summary>samples/RailBearing/rail-bearing.edgemodel.json: raw axle-box windows through the bearing front end into
/// the committed model, as a firmware team would build it.</summary>
public class SampleManifestTests
{
    private static readonly string Manifest = Path.Combine(AppContext.BaseDirectory, "RailBearing", "rail-bearing.edgemodel.json");

    [Fact]
    public void ManifestCompilesWithTheFrontEndChainFeedingTheModelsFlatInput()
    {
        var result = ManifestCompiler.Compile(Manifest);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics.Select(d => d.ToString())));
        var c = result.Compilation!;
        Assert.Equal(3 * 2048, c.InputLength);
        Assert.Equal(90, c.ModelInputLength); // 3 axes x (6 statistics + 8 spectrum bands + 16 envelope bands)
        Assert.Equal(5, c.OutputLength);
        // The optimization section: int8 within the 0.5-point budget on the held-out windows.
        var v = Assert.IsType<EdgeToken.Compiler.Analysis.OptimizationValidation>(c.Validation);
        Assert.Equal(900, v.Samples);
        Assert.True(v.AccuracyDrop <= 0.005, $"float {v.FloatAccuracy:P2}, int8 {v.OptimisedAccuracy:P2}");
    }

    [Fact]
    public void PruningThisSmallModelToTwoOfFourMissesTheBudgetAndNamesTheLayers()
    {
        var d = Assert.Single(CompileEdited(json => json.Replace("\"quantize\": {", "\"prune\": { \"pattern\": \"2:4\" }, \"quantize\": {")).Diagnostics);
        Assert.Equal("ET0015", d.Id);
        Assert.Contains("Gemm_11", d.Message);
    }

    [Fact]
    public void AChainThatDoesNotFitTheFlatInputIsET0016()
    {
        // Two axes give 60 features, the model takes 90.
        var d = Assert.Single(CompileEdited(json => json.Replace("\"channels\": 3", "\"channels\": 2")).Diagnostics);
        Assert.Equal("ET0016", d.Id);
        Assert.Contains("2 channel(s) x 30 values = 60", d.Message);
    }

    /// <summary>The sample's manifest, edited, compiled in a copy of the sample's files.</summary>
    private static ManifestCompileResult CompileEdited(Func<string, string> edit)
    {
        string dir = Directory.CreateTempSubdirectory("rail-bearing-manifest-").FullName;
        try
        {
            foreach (var name in new[] { "rail-bearing.onnx", "rail-bearing.calibration.f32", "rail-bearing.validation.f32", "rail-bearing.validation.labels" })
                File.Copy(Path.Combine(AppContext.BaseDirectory, "RailBearing", name), Path.Combine(dir, name));
            string path = Path.Combine(dir, "rail-bearing.edgemodel.json");
            File.WriteAllText(path, edit(File.ReadAllText(Manifest)));
            return ManifestCompiler.Compile(path);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
