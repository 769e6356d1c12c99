using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeToken.Generators.Tests;

/// <summary>Incremental caching with DSP chains in the models: equal chains compare equal, an edit of one chain
/// re-runs only its pipeline, and the chain's models hold no compiler objects.</summary>
public sealed class DspIncrementalCachingTests
{
    private static readonly string[] Steps = [TrackingNames.Manifests, TrackingNames.CompiledModels, TrackingNames.Pipelines];

    private static (InMemoryText Manifest, InMemoryText Compiled) Project(string dir, string name, DspChains.Case chain)
    {
        string manifest = TestPipelines.WriteProject(DspChains.PassThrough(DspChains.Dims(chain, false)),
            DspChains.Manifest(chain).Replace("\"Features\"", $"\"{name}\""), dir, name + ".edgemodel.json");
        return (TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, TestPipelines.Compile(manifest)));
    }

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var a = Project(TestPipelines.TempDir(), "Axle", DspChains.FrontEnd);
        var compilation = TestPipelines.NewCompilation("class C {}");
        var driver = TestPipelines.Driver(a.Manifest, a.Compiled).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class D {}")));
        var run = driver.GetRunResult().Results[0];
        foreach (var step in Steps)
            foreach (var output in run.TrackedSteps[step].SelectMany(s => s.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {output.Reason}");
    }

    [Fact]
    public void Recompiling_an_unchanged_chain_is_unchanged_and_editing_one_chain_reruns_only_it()
    {
        string dir = TestPipelines.TempDir();
        var a = Project(dir, "Axle", DspChains.Spectrum);
        var b = Project(dir, "Gearbox", DspChains.Mfcc);
        var compilation = TestPipelines.NewCompilation("class C {}");
        var driver = TestPipelines.Driver(a.Manifest, a.Compiled, b.Manifest, b.Compiled).RunGenerators(compilation);

        // The build step writes a's generation model again, byte for byte the same: a new file, an equal model.
        var a2 = Project(dir, "Axle", DspChains.Spectrum);
        // b's chain changes one parameter (the mel range) and keeps its size.
        var b2 = Project(dir, "Gearbox", DspChains.Mfcc with { Json = DspChains.Mfcc.Json.Replace("3800", "3700") });
        driver = driver.ReplaceAdditionalText(a.Compiled, a2.Compiled).ReplaceAdditionalText(b.Compiled, b2.Compiled).RunGenerators(compilation);
        var run = driver.GetRunResult().Results[0];
        var reasons = run.TrackedSteps[TrackingNames.Pipelines].SelectMany(s => s.Outputs).Select(o => (o.Value, o.Reason)).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Equal(IncrementalStepRunReason.Unchanged, reasons.Single(r => Name(r.Value) == "Axle").Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, reasons.Single(r => Name(r.Value) == "Gearbox").Reason);
    }

    [Fact]
    public void Chain_models_hold_no_symbols_syntax_or_compilations()
    {
        var a = Project(TestPipelines.TempDir(), "Axle", DspChains.Scaled);
        var driver = TestPipelines.Driver(a.Manifest, a.Compiled).RunGenerators(TestPipelines.NewCompilation("class C {}"));
        var run = driver.GetRunResult().Results[0];
        var pipeline = (Model.PipelineResult)run.TrackedSteps[TrackingNames.Pipelines].Single().Outputs.Single().Value;
        Assert.Equal(5, pipeline.Model!.Input.Chain.Count); // the leading scale folds into the input scaling
        int walked = 0;
        foreach (var step in Steps)
            foreach (var output in run.TrackedSteps[step].SelectMany(s => s.Outputs))
                walked += IncrementalCachingTests.Walk(output.Value, new HashSet<object>(ReferenceEqualityComparer.Instance), step);
        Assert.True(walked > 30, $"walked only {walked} objects");
    }

    private static string? Name(object value) => ((Model.PipelineResult)value).Model?.Name;
}
