using System.CommandLine;
using EdgeToken.Compiler;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Cli.Commands;

public sealed record CompileReport(string Model, string Plan, long PlanBytes, MemoryReport Memory, Dictionary<string, int> Passes)
{
    /// <summary>Present when the model was quantized (<c>--quantize</c>) and <c>--report</c> was asked for.</summary>
    public QuantizationSummary? Quantization { get; init; }
    /// <summary>Present when the model was pruned (<c>--prune</c>, <c>--pattern</c>, <c>--prune-channels</c>) and <c>--report</c> was asked for.</summary>
    public PruningSummary? Pruning { get; init; }
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
        var weightBits = CliOptions.WeightBits();
        var recurrent = CliOptions.QuantizeRecurrent();
        var exclude = new Option<string[]>("--exclude") { Description = "Leave a layer (node name) in float (repeatable).", AllowMultipleArgumentsPerToken = true };
        var emitOnnx = new Option<string?>("--emit-onnx") { Description = "Also write the quantized model as a QDQ ONNX file (for ONNX Runtime and NPU providers)." };
        var report = new Option<bool>("--report") { Description = "Per quantized layer: bytes float/int8, MACs, SQNR and largest error against the float model; per pruned layer: sparsity, kernel, bytes; totals." };
        var prune = new Option<double?>("--prune") { Description = "Magnitude pruning to this sparsity (0..1) for --pattern unstructured." };
        var pattern = new Option<string?>("--pattern") { Description = "Pruning pattern: unstructured (default) or N:M such as 2:4 (semi-structured along the inputs; runs on the sparse kernels where that is faster)." };
        var panel = new Option<int>("--panel") { Description = "Output rows of a Gemm/MatMul sharing one N:M mask (default 8; 1 = classic per-row 2:4); convolutions share masks over 12 output channels, what their sparse kernels need.", DefaultValueFactory = _ => 8 };
        var global = new Option<bool>("--global") { Description = "One magnitude threshold over all pruned layers instead of the sparsity in each." };
        var pruneChannels = new Option<double?>("--prune-channels") { Description = "Channel (structured) pruning: remove this fraction of output channels from each Gemm/Conv whose reader is another one." };
        var pruneExclude = new Option<string[]>("--prune-exclude") { Description = "Leave a layer (node name) unpruned (repeatable).", AllowMultipleArgumentsPerToken = true };
        var biasCorrection = new Option<bool>("--bias-correction") { Description = "Correct biases by the mean output shift pruning/quantization cause on the --quantize calibration data." };
        var command = new Command("compile", "Compile an ONNX model into a statically planned .etplan file (weights, schedule, arena layout, checksum), or a *.edgemodel.json manifest into a plan and the generation model its source generator reads.")
        {
            model, output, json, bind, noOptimize, disable, quantize, method, perTensor, weightBits, recurrent, exclude, emitOnnx, report,
            prune, pattern, panel, global, pruneChannels, pruneExclude, biasCorrection,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string path = parse.GetValue(model)!;
            if (path.EndsWith(ManifestParser.FileSuffix, StringComparison.OrdinalIgnoreCase))
                return ManifestCompile.Run(path, parse.GetValue(output), parse.GetValue(json), !parse.GetValue(noOptimize),
                    new HashSet<string>(parse.GetValue(disable) ?? [], StringComparer.Ordinal), parse.GetValue(report));
            string? calibration = parse.GetValue(quantize);
            var pruneOptions = PruneOptionsFrom(parse.GetValue(prune), parse.GetValue(pattern), parse.GetValue(panel), parse.GetValue(global),
                parse.GetValue(pruneChannels), parse.GetValue(pruneExclude));
            if (parse.GetValue(report) && calibration is null && pruneOptions is null) throw new CompileException("--report describes quantization and pruning; give --quantize CALIBRATION or --prune/--pattern/--prune-channels too");
            if (parse.GetValue(biasCorrection) && calibration is null) throw new CompileException("--bias-correction measures on calibration data; give --quantize CALIBRATION too");
            var quantizeOptions = new QuantizeOptions
            {
                Method = parse.GetValue(method),
                PerChannelWeights = !parse.GetValue(perTensor),
                WeightBits = parse.GetValue(weightBits),
                Recurrent = parse.GetValue(recurrent),
                Exclude = new HashSet<string>(parse.GetValue(exclude) ?? [], StringComparer.Ordinal),
            };
            string planPath = parse.GetValue(output) ?? Path.ChangeExtension(path, ".etplan");
            CompileOptions Options(PruneOptions? p) => new()
            {
                Bindings = CliOptions.ParseBindings(parse.GetValue(bind)),
                Optimize = !parse.GetValue(noOptimize),
                DisabledPasses = new HashSet<string>(parse.GetValue(disable) ?? [], StringComparer.Ordinal),
                CalibrationPath = parse.GetValue(quantize),
                Quantize = quantizeOptions,
                Prune = p,
                BiasCorrection = parse.GetValue(biasCorrection),
            };
            var compiled = ModelCompiler.CompileFile(path, Options(pruneOptions));
            string? onnxPath = parse.GetValue(emitOnnx);
            if (onnxPath is not null)
            {
                if (calibration is null) throw new CompileException("--emit-onnx writes the quantized model; give --quantize CALIBRATION too");
                // QDQ has no sparse operator: the export takes the same pruned int8 weights, stored dense.
                var graph = compiled.SparseLayers.Any(l => l.Sparse)
                    ? ModelCompiler.CompileFile(path, Options(pruneOptions!.WithSparseKernels(false))).Graph
                    : compiled.Graph;
                QdqExporter.Export(graph).Save(onnxPath);
            }
            if (compiled.QuantizationSkipped is { } why) Console.Error.WriteLine($"warning: {why}");
            var bytes = PlanFile.Write(compiled.Plan);
            File.WriteAllBytes(planPath, bytes);
            var s = compiled.Statistics;
            var memory = new MemoryReport(s.ArenaBytes, s.NaiveBytes, s.LowerBoundBytes, s.WeightBytes, s.ScratchBytes, s.Steps, s.InPlaceSteps, s.ViewSteps);
            var passes = compiled.Passes.GroupBy(p => p.Pass).ToDictionary(g => g.Key, g => g.Sum(p => p.Rewrites));
            var summary = parse.GetValue(report) && calibration is not null ? QuantizationSummary.From(compiled, calibration, quantizeOptions) : null;
            var pruning = parse.GetValue(report) && pruneOptions is not null ? PruningSummary.From(compiled) : null;
            var result = new CompileReport(path, planPath, bytes.Length, memory, passes) { Quantization = summary, Pruning = pruning, EmittedOnnx = onnxPath };
            if (parse.GetValue(json)) JsonOutput.Write(result);
            else
            {
                Console.WriteLine($"wrote {planPath} ({bytes.Length:N0} bytes)");
                Console.WriteLine($"arena {s.ArenaBytes:N0} bytes (naive {s.NaiveBytes:N0}), scratch {s.ScratchBytes:N0}, weights {s.WeightBytes:N0}, {s.Steps} steps");
                foreach (var (pass, n) in passes) Console.WriteLine($"  {pass,-24} {n,4} rewrites");
                if (onnxPath is not null) Console.WriteLine($"wrote {onnxPath} (QDQ ONNX)");
                summary?.Print();
                pruning?.Print();
            }
            return 0;
        }));
        return command;
    }

    private static PruneOptions? PruneOptionsFrom(double? sparsity, string? pattern, int panel, bool global, double? channels, string[]? exclude)
    {
        if (sparsity is null && pattern is null && channels is null) return null;
        var (kind, n, m) = PruneOptions.ParsePattern(pattern ?? "unstructured");
        if (kind == PruningPattern.NM && sparsity is not null) throw new CompileException($"--prune {sparsity} with --pattern {pattern}: N:M fixes the sparsity at 1 - N/M; leave --prune out");
        return new PruneOptions
        {
            Sparsity = sparsity ?? 0,
            Pattern = kind,
            N = kind == PruningPattern.NM ? n : 2,
            M = kind == PruningPattern.NM ? m : 4,
            Panel = panel,
            Scope = global ? PruningScope.Global : PruningScope.PerLayer,
            Channels = channels ?? 0,
            Exclude = new HashSet<string>(exclude ?? [], StringComparer.Ordinal),
        };
    }
}
