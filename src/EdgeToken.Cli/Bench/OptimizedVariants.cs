using System.Text.Json.Nodes;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Quantization;

namespace EdgeToken.Cli.Bench;

/// <summary>
/// <c>bench --int8</c> and <c>--sparse N:M</c>: the same manifest with an optimization section added, written as a
/// copy in a temp folder (model and calibration by full path, the class renamed), compiled and run through the
/// generator like the float one, so float, int8 and int8 sparse are timed in one run. Also the QDQ export of the
/// int8 model, for ONNX Runtime to run the same quantized model.
/// </summary>
internal static class OptimizedVariants
{
    public sealed record Variant(string Label, string ManifestPath, ManifestCompilation Compilation, GeneratedPipelineCompiler.Result Generated);

    public static Variant Build(string manifestPath, ManifestCompilation floatModel, string label, string suffix, string calibration, string? sparsePattern, int weightBits = 8, bool? recurrent = null)
    {
        var root = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        root.Remove("$schema");
        root["name"] = floatModel.Manifest.Name + suffix;
        root["model"] = floatModel.Manifest.ModelFullPath;
        var quantize = new JsonObject();
        if (weightBits != 8) quantize["weightBits"] = weightBits;
        if (recurrent is { } r) quantize["recurrent"] = r;
        var optimization = new JsonObject { ["calibration"] = calibration, ["quantize"] = quantize };
        if (sparsePattern is not null) optimization["prune"] = new JsonObject { ["pattern"] = sparsePattern };
        root["optimization"] = optimization;
        string dir = Path.Combine(Path.GetTempPath(), "edgetoken-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, Path.GetFileName(manifestPath));
        File.WriteAllText(path, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var compilation = BenchManifest.Compile(path);
        return new Variant(label, path, compilation, GeneratedPipelineCompiler.Load(path, compilation));
    }

    /// <summary>The calibration file: the one given, or 64 model inputs of uniform noise in [-1, 1] (fine for timing:
    /// int8 kernels cost the same whatever the scales; not for judging accuracy, which needs real data).</summary>
    public static string Calibration(string? given, ManifestCompilation floatModel, out bool random)
    {
        random = given is null;
        if (given is not null)
        {
            if (!File.Exists(given)) throw new FileNotFoundException($"--calibration {given}: file not found");
            return Path.GetFullPath(given);
        }
        int length = floatModel.ModelInputLength;
        var rng = new Random(7);
        var data = new float[64 * length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        string path = Path.Combine(Path.GetTempPath(), "edgetoken-bench", $"calibration-{Guid.NewGuid():N}.f32");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
        return path;
    }

    /// <summary>The int8 model as QDQ ONNX (what <c>compile --emit-onnx</c> writes), in memory.</summary>
    public static byte[] QdqModel(ManifestCompilation int8) => QdqExporter.Export(int8.Model.Graph).ToBytes();
}
