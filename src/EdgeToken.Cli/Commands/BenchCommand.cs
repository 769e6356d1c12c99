using System.CommandLine;
using System.Globalization;
using System.Runtime.Intrinsics;
using EdgeToken.Cli.Bench;
using EdgeToken.Compiler.Manifests;

namespace EdgeToken.Cli.Commands;

public sealed record BenchReport(string Model, string Manifest, long Macs, int InputLength, int OutputLength, int Iterations,
    string Machine, TargetFigures[] Targets)
{
    /// <summary>Weight bytes of each compiled variant (float, and with --int8/--sparse the optimised ones).</summary>
    public IReadOnlyDictionary<string, long> WeightBytes { get; init; } = new Dictionary<string, long>();

    /// <summary>With --int8 and no --calibration: the int8 scales come from uniform noise (timing only).</summary>
    public bool RandomCalibration { get; init; }

    /// <summary>With --layers: each variant's plan timed step by step; null without.</summary>
    public LayerProfileFigures[]? Layers { get; init; }
}

/// <summary><c>edgetoken bench MANIFEST_OR_MODEL</c>: the generated pipeline, the plan executor and ONNX Runtime
/// side by side in one run on one thread.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("manifest-or-model") { Description = "A *.edgemodel.json manifest, or a bare .onnx model (a default manifest is used: one channel, the whole input as the window, no preprocessing)." };
        var json = CliOptions.Json();
        var bind = CliOptions.Bind();
        var against = new Option<string>("--against") { Description = "Reference engine: onnxruntime (default) or none.", DefaultValueFactory = _ => "onnxruntime" };
        var seconds = new Option<double>("--seconds") { Description = "Time budget of the timed, interleaved calls (all targets together).", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random input window.", DefaultValueFactory = _ => 1 };
        var source = new Option<string?>("--emit-source") { Description = "Also write the generated C# source to this file (with --int8 the int8 class too, as FILE.int8.cs)." };
        var int8 = new Option<bool>("--int8") { Description = "Also time the model quantized to int8 (generated class) and ONNX Runtime on its QDQ export, in the same run." };
        var sparse = new Option<string?>("--sparse") { Description = "Also time the int8 model pruned to this N:M pattern, e.g. 2:4 (implies --int8)." };
        var weightBits = CliOptions.WeightBits();
        var recurrent = CliOptions.QuantizeRecurrent();
        var layers = new Option<bool>("--layers") { Description = "Also time every layer (plan step) of each variant on its own, after the whole-model run and within another --seconds: median µs, share and MACs per layer, and each optimised layer's speed-up over the float layer it replaced, to see which layer costs what." };
        var calibration = new Option<string?>("--calibration") { Description = "Calibration data for --int8 (.f32 or .csv of model inputs); default: uniform noise, fine for timing, not for accuracy." };
        var command = new Command("bench", "Time the generated pipeline, the plan executor and ONNX Runtime (one thread, interleaved): p50/p99 latency, allocated bytes per inference and the ratios. A bare .onnx model is run through the generator and compiled in-process with Roslyn.")
        {
            input, json, bind, against, seconds, seed, source, int8, sparse, calibration, weightBits, recurrent, layers,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string path = parse.GetValue(input)!;
            string reference = parse.GetValue(against)!;
            if (reference is not ("onnxruntime" or "none"))
                throw new CliUsageException($"--against {reference}: use onnxruntime or none");
            string manifestPath = BenchManifest.Resolve(path, CliOptions.ParseBindings(parse.GetValue(bind)));
            var compilation = BenchManifest.CompileForLatency(manifestPath);
            var generated = GeneratedPipelineCompiler.Load(manifestPath, compilation);
            if (parse.GetValue(source) is { } sourcePath) File.WriteAllText(sourcePath, generated.Source);

            var targets = new List<BenchTarget> { new GeneratedTarget(generated.Pipeline), new ExecutorTarget(compilation) };
            var weights = new Dictionary<string, long> { ["float"] = compilation.Model.Statistics.WeightBytes };
            bool quantize = parse.GetValue(int8) || parse.GetValue(sparse) is not null;
            bool random = false;
            OptimizedVariants.Variant? int8Variant = null;
            var variants = new List<(string, ManifestCompilation)> { ("float", compilation) };
            if (quantize)
            {
                if (compilation.Manifest.Optimization is not null)
                    throw new CliUsageException($"{manifestPath}: the manifest already has an optimization section; --int8/--sparse add the optimised variants themselves, so give the float manifest (without 'optimization') and --calibration FILE");
                string data = OptimizedVariants.Calibration(parse.GetValue(calibration), compilation, out random);
                int bits = parse.GetValue(weightBits);
                bool? rec = parse.GetValue(recurrent);
                int8Variant = OptimizedVariants.Build(manifestPath, compilation, "int8", "Int8", data, sparsePattern: null, bits, rec);
                bool int8Gru = int8Variant.Compilation.Model.Graph.Nodes.Any(n => n.OpType == EdgeToken.Runtime.Kernels.Recurrent.QGru.OpType);
                string w7 = (bits == 7 ? " w7" : "") + (int8Gru ? " +rnn" : "");
                targets.Add(new GeneratedTarget(int8Variant.Generated.Pipeline, "generated int8" + w7));
                weights["int8"] = int8Variant.Compilation.Model.Statistics.WeightBytes;
                variants.Add(("int8" + w7, int8Variant.Compilation));
                if (parse.GetValue(source) is { } sourcePath8) File.WriteAllText(Int8SourcePath(sourcePath8), int8Variant.Generated.Source);
                if (parse.GetValue(sparse) is { } pattern)
                {
                    var sparseVariant = OptimizedVariants.Build(manifestPath, compilation, $"int8 {pattern}", "Int8Sparse", data, pattern, bits, rec);
                    targets.Add(new GeneratedTarget(sparseVariant.Generated.Pipeline, $"generated int8{w7} {pattern}"));
                    weights[$"int8 {pattern}"] = sparseVariant.Compilation.Model.Statistics.WeightBytes;
                    variants.Add(($"int8{w7} {pattern}", sparseVariant.Compilation));
                }
            }
            if (reference == "onnxruntime")
            {
                targets.Add(new OnnxRuntimeTarget(compilation, binding: true));
                targets.Add(new OnnxRuntimeTarget(compilation, binding: false));
                if (int8Variant is not null)
                {
                    try { targets.Add(new OnnxRuntimeTarget(compilation, binding: true, OptimizedVariants.QdqModel(int8Variant.Compilation), "onnxruntime QDQ int8")); }
                    catch (EdgeToken.Compiler.CompileException e) { Console.Error.WriteLine($"onnxruntime QDQ int8 not timed: {e.Message}"); }
                }
            }
            try
            {
                var figures = LatencyBench.Run(targets, generated.Pipeline.InputLength, generated.Pipeline.OutputLength, parse.GetValue(seconds), parse.GetValue(seed), out int iterations);
                var report = new BenchReport(path, manifestPath, EdgeToken.Compiler.Analysis.MacCounter.Total(compilation.Model.Graph), generated.Pipeline.InputLength, generated.Pipeline.OutputLength,
                    iterations, Machine(), figures) { WeightBytes = weights, RandomCalibration = random };
                if (parse.GetValue(layers))
                    report = report with { Layers = LayerProfile.Run(variants, LatencyBench.Window(generated.Pipeline.InputLength, parse.GetValue(seed)), parse.GetValue(seconds)) };
                if (parse.GetValue(json)) JsonOutput.Write(report);
                else Print(report);
            }
            finally
            {
                foreach (var t in targets) t.Dispose();
            }
            return 0;
        }));
        return command;
    }

    private static void Print(BenchReport r)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"{r.Model}: {r.Macs:N0} MACs, input {r.InputLength} floats, output {r.OutputLength}; {r.Iterations} interleaved calls per target, one thread"));
        Console.WriteLine($"machine: {r.Machine}");
        Console.WriteLine($"{"target",-26} {"p50 µs",10} {"p99 µs",10} {"bytes/inference",16} {"p50 / generated",16} {"max |Δ| vs float executor",26}");
        foreach (var t in r.Targets)
            Console.WriteLine(string.Create(c, $"{t.Target,-26} {t.P50Microseconds,10:F1} {t.P99Microseconds,10:F1} {t.AllocatedBytesPerInference,16:F0} {t.P50RatioToGenerated,16:F2} {t.MaxAbsDifferenceToExecutor,26:E1}"));
        if (r.WeightBytes.Count > 1)
        {
            long f = r.WeightBytes["float"];
            Console.WriteLine("weights: " + string.Join(", ", r.WeightBytes.Select(w => w.Key == "float"
                ? string.Create(c, $"float {w.Value:N0} B")
                : string.Create(c, $"{w.Key} {w.Value:N0} B ({(double)f / w.Value:F2}x smaller than float)"))));
            Console.WriteLine("int8 rows: max |Δ| is the quantization (and pruning) error against the float model, not a kernel mismatch");
            if (r.RandomCalibration) Console.WriteLine("int8 calibrated on uniform noise (no --calibration): the timings hold, the int8 outputs' error does not say anything about accuracy");
        }
        foreach (var profile in r.Layers ?? [])
            PrintLayers(profile);
    }

    private static void PrintLayers(LayerProfileFigures p)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"layers, {p.Variant} (plan executor, one step at a time, median of {p.Runs} runs; sum {p.SumOfP50Microseconds:F1} µs):"));
        int nameWidth = Math.Clamp(p.Layers.Max(l => l.Step.Length), 8, 40);
        int opWidth = Math.Clamp(p.Layers.Max(l => l.OpType.Length), 2, 32), outputWidth = Math.Clamp(p.Layers.Max(l => l.Output.Length), 6, 40);
        bool optimised = p.Layers.Any(l => l.FloatP50Microseconds is not null);
        bool kernels = p.Layers.Any(l => l.Kernel is not null);
        Console.WriteLine($"{"#",3} {"step".PadRight(nameWidth)} {"op".PadRight(opWidth)} {"output".PadRight(outputWidth)} {"MACs",10} {"p50 µs",9} {"share",6}{(optimised ? $" {"vs float",9}" : "")}{(kernels ? "  kernel" : "")}");
        foreach (var l in p.Layers)
        {
            string step = l.Step.Length > nameWidth ? l.Step[..(nameWidth - 1)] + "…" : l.Step;
            string speedup = !optimised ? "" : l.SpeedupOverFloat is { } x ? string.Create(c, $" {x,8:F2}x") : $" {"-",9}";
            Console.WriteLine(string.Create(c, $"{l.Index,3} {step.PadRight(nameWidth)} {l.OpType.PadRight(opWidth)} {l.Output.PadRight(outputWidth)} {l.Macs,10:N0} {l.P50Microseconds,9:F2} {l.Share,6:P0}{speedup}{(l.Kernel is { } k ? "  " + k : "")}"));
        }
    }

    /// <summary>Where <c>--emit-source F</c> puts the int8 class: F with <c>.int8</c> before its extension.</summary>
    private static string Int8SourcePath(string floatPath) => Path.ChangeExtension(floatPath, ".int8" + (Path.HasExtension(floatPath) ? Path.GetExtension(floatPath) : ".cs"));

    private static string Machine()
    {
        string isa = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
        return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical CPUs, {isa}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
    }
}
