using System.CommandLine;
using EdgeToken.Compiler;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Cli.Commands;

public sealed record CompileReport(string Model, string Plan, long PlanBytes, MemoryReport Memory, Dictionary<string, int> Passes)
{
    /// <summary>Present when the model was quantized (<c>--quantize</c>) and <c>--report</c> was asked for.</summary>
    public QuantizationSummary? Quantization { get; init; }
    /// <summary>The QDQ ONNX file written by <c>--emit-onnx</c>, or null.</summary>
    public string? EmittedOnnx { get; init; }
}

/// <summary><c>edgetoken compile MODEL.onnx -o MODEL.etplan</c>: the compiled plan a device loads without a rebuild.
/// <c>edgetoken compile NAME.edgemodel.json -o DIR</c>: the manifest's model compiled with its bindings, as a plan
/// and the generation model the source generator reads (see <see cref="ManifestCompile"/>).</summary>
internal static class CompileCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var json = CliOptions.Json();
        var bind = CliOptions.Bind();
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the plan (default: the model's path with .etplan). For a manifest: the output folder (default: the manifest's folder)." };
        var noOptimize = new Option<bool>("--no-optimize") { Description = "Compile the graph as imported, without fusion or folding passes." };
        var disable = new Option<string[]>("--disable-pass") { Description = "Leave out a pass by name (repeatable).", AllowMultipleArgumentsPerToken = true };
        var quantize = new Option<string?>("--quantize") { Description = "Quantize to INT8, calibrating on this file: .f32 (raw float32 little-endian, whole inputs back to back) or .csv (one input per line)." };
        var method = new Option<CalibrationMethod>("--calibration") { Description = "How activation ranges are chosen: MinMax, Percentile or Entropy.", DefaultValueFactory = _ => CalibrationMethod.MinMax };
        var perTensor = new Option<bool>("--per-tensor-weights") { Description = "One scale per weight tensor instead of one per output channel." };
        var exclude = new Option<string[]>("--exclude") { Description = "Leave a layer (node name) in float (repeatable).", AllowMultipleArgumentsPerToken = true };
        var emitOnnx = new Option<string?>("--emit-onnx") { Description = "Also write the quantized model as a QDQ ONNX file (for ONNX Runtime and NPU providers)." };
        var report = new Option<bool>("--report") { Description = "Per quantized layer: bytes float/int8, MACs, SQNR and largest error against the float model; totals." };
        var command = new Command("compile", "Compile an ONNX model into a statically planned .etplan file (weights, schedule, arena layout, checksum), or a *.edgemodel.json manifest into a plan and the generation model its source generator reads.")
        {
            model, output, json, bind, noOptimize, disable, quantize, method, perTensor, exclude, emitOnnx, report,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string path = parse.GetValue(model)!;
            if (path.EndsWith(ManifestParser.FileSuffix, StringComparison.OrdinalIgnoreCase))
                return ManifestCompile.Run(path, parse.GetValue(output), parse.GetValue(json), !parse.GetValue(noOptimize),
                    new HashSet<string>(parse.GetValue(disable) ?? [], StringComparer.Ordinal));
            string? calibration = parse.GetValue(quantize);
            if (parse.GetValue(report) && calibration is null) throw new CompileException("--report describes quantization; give --quantize CALIBRATION too");
            var quantizeOptions = new QuantizeOptions
            {
                Method = parse.GetValue(method),
                PerChannelWeights = !parse.GetValue(perTensor),
                Exclude = new HashSet<string>(parse.GetValue(exclude) ?? [], StringComparer.Ordinal),
            };
            string planPath = parse.GetValue(output) ?? Path.ChangeExtension(path, ".etplan");
            var compiled = ModelCompiler.CompileFile(path, new CompileOptions
            {
                Bindings = CliOptions.ParseBindings(parse.GetValue(bind)),
                Optimize = !parse.GetValue(noOptimize),
                DisabledPasses = new HashSet<string>(parse.GetValue(disable) ?? [], StringComparer.Ordinal),
                CalibrationPath = parse.GetValue(quantize),
                Quantize = quantizeOptions,
            });
            string? onnxPath = parse.GetValue(emitOnnx);
            if (onnxPath is not null)
            {
                if (calibration is null) throw new CompileException("--emit-onnx writes the quantized model; give --quantize CALIBRATION too");
                QdqExporter.Export(compiled.Graph).Save(onnxPath);
            }
            var bytes = PlanFile.Write(compiled.Plan);
            File.WriteAllBytes(planPath, bytes);
            var s = compiled.Statistics;
            var memory = new MemoryReport(s.ArenaBytes, s.NaiveBytes, s.LowerBoundBytes, s.WeightBytes, s.ScratchBytes, s.Steps, s.InPlaceSteps, s.ViewSteps);
            var passes = compiled.Passes.GroupBy(p => p.Pass).ToDictionary(g => g.Key, g => g.Sum(p => p.Rewrites));
            var summary = parse.GetValue(report) ? QuantizationSummary.From(compiled, calibration!, quantizeOptions) : null;
            var result = new CompileReport(path, planPath, bytes.Length, memory, passes) { Quantization = summary, EmittedOnnx = onnxPath };
            if (parse.GetValue(json)) JsonOutput.Write(result);
            else
            {
                Console.WriteLine($"wrote {planPath} ({bytes.Length:N0} bytes)");
                Console.WriteLine($"arena {s.ArenaBytes:N0} bytes (naive {s.NaiveBytes:N0}), scratch {s.ScratchBytes:N0}, weights {s.WeightBytes:N0}, {s.Steps} steps");
                foreach (var (pass, n) in passes) Console.WriteLine($"  {pass,-24} {n,4} rewrites");
                if (onnxPath is not null) Console.WriteLine($"wrote {onnxPath} (QDQ ONNX)");
                summary?.Print();
            }
            return 0;
        }));
        return command;
    }
}
