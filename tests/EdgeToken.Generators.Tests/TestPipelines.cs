using System.Collections.Immutable;
using System.Text;
using EdgeToken.Compiler.Generation;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Generators;
using EdgeToken.Runtime.Tensors;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace EdgeToken.Generators.Tests;

/// <summary>Small models, manifests beside them, and the generator driven over them in memory.</summary>
internal static class TestPipelines
{
    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "edgetoken-gen-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A two-class model over a [1, window, 2] window: per-channel affine, Relu, mean over time,
    /// Sigmoid, Softmax. Exercises specialised steps (Relu, Sigmoid) and kernel objects (Mul, Add, ReduceMean, Softmax).</summary>
    public static OnnxModelBuilder TwoClassModel(int window = 64, int seed = 1)
    {
        var rng = new Random(seed);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var b = new OnnxModelBuilder("two_class", opset: 17);
        b.Input("x", ElementType.Float32, 1, window, 2);
        var w = b.Initializer("w", R(2), 1, 1, 2);
        var bias = b.Initializer("b", R(2), 1, 1, 2);
        var h = b.Op("Mul", ["x", w]);
        h = b.Op("Add", [h, bias]);
        h = b.Op("Relu", [h]);
        h = b.Op("ReduceMean", [h], ("axes", new long[] { 1 }), ("keepdims", 0L));
        h = b.Op("Sigmoid", [h]);
        b.Node("Softmax", [h], ["scores"], ("axis", -1L));
        b.Output("scores", ElementType.Float32, 1, 2);
        return b;
    }

    public const string TwoClassManifest = """
        {
          "$schema": "../../schemas/edgemodel.schema.json",
          "name": "BearingClassifier",
          "namespace": "Acme.Rail",
          "model": "model.onnx",
          "input": { "channels": 2, "sampleRate": 25600, "window": 64, "hop": 16, "scale": 0.5, "offset": 0.25 },
          "preprocess": [ { "op": "standardize", "mean": [0.1, -0.2], "std": [2, 4] } ],
          "output": { "kind": "classes", "labels": ["normal", "inner-race"], "threshold": 0.5, "debounce": 2 }
        }
        """;

    /// <summary>Writes model + manifest into a fresh folder; returns the manifest path.</summary>
    public static string WriteProject(OnnxModelBuilder model, string manifest, string? dir = null, string file = "bearing.edgemodel.json")
    {
        dir ??= TempDir();
        model.Save(Path.Combine(dir, "model.onnx"));
        string path = Path.Combine(dir, file);
        File.WriteAllText(path, manifest);
        return path;
    }

    public static ManifestCompilation Compile(string manifestPath)
    {
        var result = ManifestCompiler.Compile(manifestPath);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Compilation!;
    }

    public static InMemoryText ManifestText(string manifestPath) => new(manifestPath, File.ReadAllText(manifestPath));

    public static InMemoryText GenerationText(string manifestPath, ManifestCompilation compilation) =>
        new(Path.ChangeExtension(manifestPath, null) + GenerationModelWriter.FileSuffix, GenerationModelWriter.Write(compilation));

    public static CSharpCompilation NewCompilation(params string[] sources) => NewCompilation(onnxRuntime: true, sources);

    /// <param name="onnxRuntime">Whether the consumer references the onnxruntime backend (the EdgeToken.OnnxRuntime package).</param>
    public static CSharpCompilation NewCompilation(bool onnxRuntime, params string[] sources) =>
        CSharpCompilation.Create("Consumer" + Guid.NewGuid().ToString("N"),
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            onnxRuntime ? References.Value : References.Value.Where(r => !r.Display!.EndsWith("EdgeToken.Runtime.OnnxRuntime.dll", StringComparison.Ordinal)),
            new CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(EdgeToken.Runtime.Plans.Plan).Assembly.Location);
        paths.Add(typeof(EdgeToken.Sensors.Dsp.RealFft).Assembly.Location);
        paths.Add(typeof(EdgeToken.Runtime.OnnxRuntime.OnnxRuntimePipeline).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    public static GeneratorDriver Driver(params AdditionalText[] texts) =>
        CSharpGeneratorDriver.Create(
            [new EdgeModelGenerator().AsSourceGenerator()],
            texts,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriver Driver) Run(Compilation compilation, params AdditionalText[] texts)
    {
        var driver = Driver(texts).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, diagnostics, driver);
    }

    /// <summary>Emits the compilation and loads it; fails the test with the compiler's errors.</summary>
    public static System.Reflection.Assembly EmitAndLoad(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return System.Reflection.Assembly.Load(stream.ToArray());
    }
}

/// <summary>An additional file held in memory.</summary>
internal sealed class InMemoryText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;
    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
}
