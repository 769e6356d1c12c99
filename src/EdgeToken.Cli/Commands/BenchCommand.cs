using System.CommandLine;
using System.Globalization;
using System.Runtime.Intrinsics;
using EdgeToken.Cli.Bench;

namespace EdgeToken.Cli.Commands;

public sealed record BenchReport(string Model, string Manifest, long Macs, int InputLength, int OutputLength, int Iterations,
    string Machine, TargetFigures[] Targets);

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
        var source = new Option<string?>("--emit-source") { Description = "Also write the generated C# source to this file." };
        var command = new Command("bench", "Time the generated pipeline, the plan executor and ONNX Runtime (one thread, interleaved): p50/p99 latency, allocated bytes per inference and the ratios. A bare .onnx model is run through the generator and compiled in-process with Roslyn.")
        {
            input, json, bind, against, seconds, seed, source,
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
            if (reference == "onnxruntime")
            {
                targets.Add(new OnnxRuntimeTarget(compilation, binding: true));
                targets.Add(new OnnxRuntimeTarget(compilation, binding: false));
            }
            try
            {
                var figures = LatencyBench.Run(targets, generated.Pipeline.InputLength, generated.Pipeline.OutputLength, parse.GetValue(seconds), parse.GetValue(seed), out int iterations);
                var report = new BenchReport(path, manifestPath, EdgeToken.Compiler.Analysis.MacCounter.Total(compilation.Model.Graph), generated.Pipeline.InputLength, generated.Pipeline.OutputLength,
                    iterations, Machine(), figures);
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
        Console.WriteLine($"{"target",-26} {"p50 µs",10} {"p99 µs",10} {"bytes/inference",16} {"p50 / generated",16} {"max |Δ| vs executor",20}");
        foreach (var t in r.Targets)
            Console.WriteLine(string.Create(c, $"{t.Target,-26} {t.P50Microseconds,10:F1} {t.P99Microseconds,10:F1} {t.AllocatedBytesPerInference,16:F0} {t.P50RatioToGenerated,16:F2} {t.MaxAbsDifferenceToExecutor,20:E1}"));
    }

    private static string Machine()
    {
        string isa = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
        return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical CPUs, {isa}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
    }
}
