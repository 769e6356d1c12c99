using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using EdgeToken.Compiler.Generation;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace EdgeToken.Cli.Bench;

/// <summary>
/// A compiled manifest -> a running instance of its generated class, in this process: the generator itself
/// (<see cref="EdgeModelGenerator"/>, driven by Roslyn over the manifest and its generation model exactly as in a
/// build), then the emitted source compiled with optimisations and loaded. So the bench measures the code a
/// project would get, without writing a project.
/// </summary>
internal static class GeneratedPipelineCompiler
{
    public sealed record Result(IBenchPipeline Pipeline, string Source);

    public static Result Load(string manifestPath, ManifestCompilation compilation)
    {
        manifestPath = Path.GetFullPath(manifestPath); // the generation model names its manifest by full path
        var manifest = compilation.Manifest;
        var texts = ImmutableArray.Create<AdditionalText>(
            new InMemoryText(manifestPath, File.ReadAllText(manifestPath)),
            new InMemoryText(Path.ChangeExtension(manifestPath, null) + GenerationModelWriter.FileSuffix, GenerationModelWriter.Write(compilation)));
        string type = $"global::{manifest.Namespace}.{manifest.Name}";
        string adapter = $$"""
            namespace EdgeToken.Bench.Adapter
            {
                public sealed class Pipeline : global::EdgeToken.Cli.Bench.IBenchPipeline
                {
                    private readonly {{type}} _pipeline = new {{type}}();
                    public int InputLength => {{type}}.InputLength;
                    public int OutputLength => {{type}}.OutputLength;
                    public void Infer(global::System.ReadOnlySpan<float> window, global::System.Span<float> output) => _pipeline.Infer(window, output);
                }
            }
            """;
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var consumer = CSharpCompilation.Create("EdgeToken.Bench." + manifest.Name + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(adapter, parse)], References(),
            new CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        var driver = CSharpGeneratorDriver.Create([new EdgeModelGenerator().AsSourceGenerator()], texts, parse);
        driver.RunGeneratorsAndUpdateCompilation(consumer, out var output, out var generatorDiagnostics);
        var errors = generatorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) throw new Commands.CliUsageException(string.Join(Environment.NewLine, errors));

        string source = string.Join("\n", output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).Select(t => t.ToString()));
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        if (!emitted.Success)
            throw new InvalidOperationException("the generated source does not compile (a generator bug):" + Environment.NewLine
                + string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var assembly = Assembly.Load(image.ToArray());
        var pipeline = (IBenchPipeline)Activator.CreateInstance(assembly.GetType("EdgeToken.Bench.Adapter.Pipeline", throwOnError: true)!)!;
        return new Result(pipeline, source);
    }

    private static MetadataReference[] References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(EdgeToken.Runtime.Plans.Plan).Assembly.Location);
        paths.Add(typeof(IBenchPipeline).Assembly.Location);
        return paths.Distinct(StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
    }
}
