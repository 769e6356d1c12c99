using System.Text.Json;
using EdgeToken.Compiler;
using EdgeToken.Compiler.Manifests;

namespace EdgeToken.Cli.Bench;

/// <summary>The manifest a bench runs: the user's, or for a bare .onnx a default one written beside a temp copy
/// of nothing but itself (the model is referenced by its full path): one channel whose window is the model's whole
/// input, no preprocessing, regression output, backend generated, and the --bind sizes as dimensions.</summary>
internal static class BenchManifest
{
    public const string DefaultName = "BenchPipeline";
    public const string DefaultNamespace = "EdgeToken.Bench";

    public static string Resolve(string path, IReadOnlyDictionary<string, int> bindings)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found");
        if (path.EndsWith(".edgemodel.json", StringComparison.OrdinalIgnoreCase)) return Path.GetFullPath(path);
        return WriteDefault(Path.GetFullPath(path), bindings);
    }

    private static string WriteDefault(string modelPath, IReadOnlyDictionary<string, int> bindings)
    {
        var compiled = ModelCompiler.CompileFile(modelPath, new CompileOptions { Bindings = bindings });
        var input = compiled.Plan.Input(0);
        long length = input.Info.ElementCount;
        string dir = Path.Combine(Path.GetTempPath(), "edgetoken-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string manifestPath = Path.Combine(dir, Path.GetFileNameWithoutExtension(modelPath) + ".edgemodel.json");
        using (var stream = File.Create(manifestPath))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", DefaultName);
            json.WriteString("namespace", DefaultNamespace);
            json.WriteString("model", modelPath);
            if (bindings.Count > 0)
            {
                json.WriteStartObject("dimensions");
                foreach (var (symbol, size) in bindings) json.WriteNumber(symbol, size);
                json.WriteEndObject();
            }
            json.WriteStartObject("input");
            json.WriteNumber("channels", 1);
            json.WriteNumber("sampleRate", 1);
            json.WriteNumber("window", length);
            json.WriteEndObject();
            json.WriteStartObject("output");
            json.WriteString("kind", "regression");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return manifestPath;
    }

    /// <summary>Compiles the manifest; its problems become one usage error with file:line:col each.</summary>
    public static ManifestCompilation Compile(string manifestPath)
    {
        var result = ManifestCompiler.Compile(manifestPath);
        if (!result.Succeeded)
            throw new Commands.CliUsageException(string.Join(Environment.NewLine, result.Diagnostics.Select(d => d.ToMsBuildFormat())));
        if (result.Compilation!.Manifest.Backend.Kind == BackendKind.OnnxRuntime)
            throw new Commands.CliUsageException($"{manifestPath}: the manifest's backend is onnxruntime; bench measures the generated backend against ONNX Runtime, so give it a manifest with \"backend\": {{ \"kind\": \"generated\" }} (or the bare .onnx)");
        return result.Compilation;
    }

    /// <summary>For the side-by-side latency bench: the executor and ONNX Runtime take the model's input, so the
    /// manifest must not preprocess beyond scaling (a DSP chain runs only in the generated class).</summary>
    public static ManifestCompilation CompileForLatency(string manifestPath)
    {
        var compilation = Compile(manifestPath);
        if (compilation.Chain.HasDsp)
            throw new Commands.CliUsageException($"{manifestPath}: its preprocess chain has DSP steps ({compilation.Chain.Describe()}), which only the generated class runs, so the plan executor and ONNX Runtime cannot be timed on the same windows; bench the model alone (bench {compilation.Manifest.ModelPath}) or run the whole pipeline with `edgetoken agent-bench --manifest {manifestPath}`");
        return compilation;
    }
}
