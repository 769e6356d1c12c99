using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeToken.Generators.Tests;

/// <summary>The pipeline re-runs only what changed, and its models hold no compiler objects.</summary>
public sealed class IncrementalCachingTests
{
    private static readonly string[] Steps = [TrackingNames.Manifests, TrackingNames.CompiledModels, TrackingNames.Pipelines];

    private static (InMemoryText Manifest, InMemoryText Compiled) Project(string dir, string name, int seed)
    {
        string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(seed: seed), TestPipelines.TwoClassManifest.Replace("BearingClassifier", name), dir, name + ".edgemodel.json");
        return (TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, TestPipelines.Compile(manifest)));
    }

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var a = Project(TestPipelines.TempDir(), "Axle", 1);
        var compilation = TestPipelines.NewCompilation("class C {}");
        var driver = TestPipelines.Driver(a.Manifest, a.Compiled).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class D {}")));
        var run = driver.GetRunResult().Results[0];
        foreach (var step in Steps)
        {
            Assert.True(run.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            foreach (var output in run.TrackedSteps[step].SelectMany(s => s.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {output.Reason}");
        }
    }

    [Fact]
    public void Manifest_edit_reruns_only_that_manifest()
    {
        string dir = TestPipelines.TempDir();
        var a = Project(dir, "Axle", 1);
        var b = Project(dir, "Gearbox", 2);
        var compilation = TestPipelines.NewCompilation("class C {}");
        var driver = TestPipelines.Driver(a.Manifest, a.Compiled, b.Manifest, b.Compiled).RunGenerators(compilation);

        // The build step recompiles b after an edit (new weights): only b's generation model changes.
        var b2 = Project(dir, "Gearbox", 3);
        driver = driver.ReplaceAdditionalText(b.Compiled, b2.Compiled).RunGenerators(compilation);
        var run = driver.GetRunResult().Results[0];
        var reasons = run.TrackedSteps[TrackingNames.Pipelines].SelectMany(s => s.Outputs).Select(o => (o.Value, o.Reason)).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Equal(IncrementalStepRunReason.Modified, reasons.Single(r => Name(r.Value) == "Gearbox").Reason);
        Assert.Equal(IncrementalStepRunReason.Unchanged, reasons.Single(r => Name(r.Value) == "Axle").Reason);
    }

    private static string? Name(object value) => ((Model.PipelineResult)value).Model?.Name;

    [Fact]
    public void Models_hold_no_symbols_syntax_or_compilations()
    {
        var a = Project(TestPipelines.TempDir(), "Axle", 1);
        var driver = TestPipelines.Driver(a.Manifest, a.Compiled).RunGenerators(TestPipelines.NewCompilation("class C {}"));
        var run = driver.GetRunResult().Results[0];
        int walked = 0;
        foreach (var step in Steps)
            foreach (var output in run.TrackedSteps[step].SelectMany(s => s.Outputs))
                walked += Walk(output.Value, new HashSet<object>(ReferenceEqualityComparer.Instance), step);
        Assert.True(walked > 10, $"walked only {walked} objects");
    }

    private static readonly Type[] Forbidden = [typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(AdditionalText)];

    internal static int Walk(object? value, HashSet<object> seen, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return 0;
        foreach (var f in Forbidden)
            Assert.False(f.IsInstanceOfType(value), $"{path} holds a {f.Name}");
        if (!value.GetType().IsValueType && !seen.Add(value)) return 0;
        int n = 1;
        if (value is byte[] or int[]) return n;
        if (value is IEnumerable items && value.GetType().Name.StartsWith("EquatableArray", StringComparison.Ordinal))
        {
            foreach (var item in items) n += Walk(item, seen, path + "[]");
            return n;
        }
        for (var t = value.GetType(); t is not null && t != typeof(object); t = t.BaseType)
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                n += Walk(field.GetValue(value), seen, path + "." + field.Name);
        return n;
    }
}
