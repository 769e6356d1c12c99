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
}
