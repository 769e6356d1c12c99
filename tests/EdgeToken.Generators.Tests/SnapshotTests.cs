namespace EdgeToken.Generators.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public void Generated_source_of_the_two_class_pipeline()
    {
        string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest);
        var compilation = TestPipelines.Compile(manifest);
        var (_, diagnostics, driver) = TestPipelines.Run(TestPipelines.NewCompilation("class C {}"),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        var source = Assert.Single(driver.GetRunResult().Results[0].GeneratedSources);
        Assert.Equal("Acme.Rail.BearingClassifier.g.cs", source.HintName);
        Snapshot.Match("Acme.Rail.BearingClassifier.g.cs.txt", source.SourceText.ToString());
    }

    [Fact]
    public void Generated_source_of_a_small_mlp_with_specialised_dense_layers()
    {
        string manifest = TestPipelines.WriteProject(DenseLayerTests.Model(), DenseLayerTests.Manifest, file: "dense.edgemodel.json");
        Snapshot.Match("Acme.Dense.DenseModel.g.cs.txt", GeneratedSource(manifest));
    }

    [Fact]
    public void Generated_source_of_the_two_class_pipeline_on_onnxruntime()
    {
        string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest.Replace("\"output\":",
            "\"backend\": { \"kind\": \"onnxruntime\", \"executionProviders\": [\"qnn\", \"xnnpack\", \"cpu\"] },\n  \"output\":"));
        Snapshot.Match("Acme.Rail.BearingClassifier.OnnxRuntime.g.cs.txt", GeneratedSource(manifest));
    }

    private static string GeneratedSource(string manifest)
    {
        var compilation = TestPipelines.Compile(manifest);
        var (_, diagnostics, driver) = TestPipelines.Run(TestPipelines.NewCompilation("class C {}"),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        return Assert.Single(driver.GetRunResult().Results[0].GeneratedSources).SourceText.ToString();
    }
}
