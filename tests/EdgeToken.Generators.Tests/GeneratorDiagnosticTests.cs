using Microsoft.CodeAnalysis;

namespace EdgeToken.Generators.Tests;

/// <summary>The diagnostics the generator reports: its own (ET0011, ET0012) and the build step's, re-reported in place.</summary>
public sealed class GeneratorDiagnosticTests
{
    [Fact]
    public void ET0011_manifest_without_compiled_model()
    {
        var (_, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation("class C {}"), new InMemoryText("/p/a.edgemodel.json", "{}"));
        var d = Assert.Single(diagnostics);
        Assert.Equal("ET0011", d.Id);
        Assert.Equal("/p/a.edgemodel.json", d.Location.GetLineSpan().Path);
    }

    [Fact]
    public void ET0012_compiled_model_of_another_format_version()
    {
        var (_, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation("class C {}"),
            new InMemoryText("/p/a.edgemodel.json", "{}"), new InMemoryText("/obj/a.edgemodel.etgen", "etgen\t99\nend\n"));
        var d = Assert.Single(diagnostics);
        Assert.Equal("ET0012", d.Id);
        Assert.Contains("format 99", d.GetMessage());
        Assert.Equal("/p/a.edgemodel.json", d.Location.GetLineSpan().Path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ET0020_backend_onnxruntime_without_the_package_at_the_backend_key(bool referenced)
    {
        string text = TestPipelines.TwoClassManifest.Replace("\"output\":", "\"backend\": { \"kind\": \"onnxruntime\", \"executionProviders\": [\"cpu\"] },\n  \"output\":");
        string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), text);
        var (output, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation(referenced, "class C {}"),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, TestPipelines.Compile(manifest)));
        if (referenced)
        {
            Assert.Empty(diagnostics);
            Assert.Contains(output.SyntaxTrees, t => t.ToString().Contains("OnnxRuntimePipeline", StringComparison.Ordinal));
            return;
        }
        var d = Assert.Single(diagnostics);
        Assert.Equal("ET0020", d.Id);
        Assert.Contains("<PackageReference Include=\"EdgeToken.OnnxRuntime\" />", d.GetMessage());
        var span = d.Location.GetLineSpan();
        Assert.Equal(manifest, span.Path);
        string[] lines = File.ReadAllLines(manifest);
        int line = Array.FindIndex(lines, l => l.Contains("\"backend\"", StringComparison.Ordinal));
        Assert.Equal((line, lines[line].IndexOf("\"backend\"", StringComparison.Ordinal)), (span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.DoesNotContain(output.SyntaxTrees, t => t.ToString().Contains("OnnxRuntimePipeline", StringComparison.Ordinal)); // no source that cannot compile
    }

    [Fact]
    public void Build_step_errors_are_reported_at_their_line_and_column()
    {
        string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest.Replace("\"window\": 64", "\"window\": true"));
        var result = EdgeToken.Compiler.Manifests.ManifestCompiler.Compile(manifest);
        string etgen = EdgeToken.Compiler.Generation.GenerationModelWriter.WriteErrors(manifest, result.Diagnostics);
        var (_, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation("class C {}"),
            TestPipelines.ManifestText(manifest), new InMemoryText("/obj/bearing.edgemodel.etgen", etgen));
        var d = Assert.Single(diagnostics);
        Assert.Equal("ET0003", d.Id);
        var span = d.Location.GetLineSpan();
        Assert.Equal(manifest, span.Path);
        Assert.Equal((5, 59), (span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Equal(DiagnosticDescriptors.HelpBase + "ET0003.md", d.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void Every_id_has_a_documentation_page()
    {
        string docs = Path.Combine(RepoRoot(), "docs", "diagnostics");
        foreach (var d in DiagnosticDescriptors.All)
        {
            Assert.True(File.Exists(Path.Combine(docs, d.Id + ".md")), $"docs/diagnostics/{d.Id}.md is missing");
            // The help link is a repository-relative path to that very page, not a web address that may not exist.
            Assert.Equal("docs/diagnostics/" + d.Id + ".md", d.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(RepoRoot(), d.HelpLinkUri)), $"{d.Id}'s help link {d.HelpLinkUri} does not resolve");
        }
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeToken.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("EdgeToken.sln not found above the test folder");
    }
}
