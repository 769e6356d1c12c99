using System.CommandLine;
using EdgeToken.Agent.Benchmarks;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Compiler;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;
using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Cli.Commands;

/// <summary><c>edgetoken agent-bench [--plan P] [--seconds N] [--json]</c>: the agent's throughput, memory and uplink volume.</summary>
internal static class AgentBenchCommand
{
    public static Command Create()
    {
        var plan = new Option<string?>("--plan") { Description = "The .etplan to run (input: the bearing front-end's features). Default: a built-in linear anomaly score." };
        var manifest = new Option<string?>("--manifest")
        {
            Description = "Run a manifest's generated class instead (generated and compiled in this process as `edgetoken bench` does; it takes raw sample windows and runs its own preprocess chain), e.g. samples/RailBearing/rail-bearing.edgemodel.json.",
        };
        var seconds = new Option<double>("--seconds") { Description = "How long to run flat out.", DefaultValueFactory = _ => 10 };
        var interval = new Option<double>("--summary-interval") { Description = "Summary interval in seconds of sensor time.", DefaultValueFactory = _ => 60 };
        var writePlan = new Option<string?>("--write-plan") { Description = "Write the built-in plan to this path (for agent.json) and exit." };
        var json = CliOptions.Json();
        var command = new Command("agent-bench", "Benchmark the agent end to end on the bearing simulator: tokens/s per core, resident memory, gen2 GCs, uplink bytes per million tokens.")
        {
            plan, manifest, seconds, interval, writePlan, json,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            if (parse.GetValue(writePlan) is { } target)
            {
                EdgeToken.Runtime.Plans.PlanFile.Save(BuiltInPlan(), target);
                Console.WriteLine($"wrote {target}");
                return 0;
            }
            double s = parse.GetValue(seconds), i = parse.GetValue(interval);
            if (s <= 0 || i <= 0) throw new CliUsageException("--seconds and --summary-interval must be positive");
            if (parse.GetValue(plan) is not null && parse.GetValue(manifest) is not null) throw new CliUsageException("give --plan or --manifest, not both");
            double rate = 20480;
            IPipeline pipeline = parse.GetValue(manifest) is { } m ? Generated(m, out rate)
                : parse.GetValue(plan) is { } path ? PlanPipeline.Load(path) : BuiltInScore();
            string outbox = Directory.CreateTempSubdirectory("edgetoken-bench-").FullName;
            try
            {
                var r = AgentBenchmark.Run(pipeline, TimeSpan.FromSeconds(s), TimeSpan.FromSeconds(i), outbox, rate);
                if (parse.GetValue(json)) JsonOutput.Write(r);
                else
                {
                    Console.WriteLine($"tokens              {r.Tokens:N0} in {r.WallSeconds:F1} s ({r.Channels} channels at {r.SampleRateHz:N0} Hz, {r.Windows:N0} windows)");
                    Console.WriteLine($"tokens/s            {r.TokensPerSecond:N0} wall, {r.TokensPerCpuSecond:N0} per CPU-second (simulator included)");
                    Console.WriteLine($"inference           {r.MeanInferenceMicroseconds:F1} us per window (mean)");
                    Console.WriteLine($"records             {r.Records:N0} ({r.SummaryIntervalSeconds:N0} s summaries), outbox {r.OutboxBytesWritten:N0} bytes");
                    Console.WriteLine($"uplink              {r.UplinkBytes:N0} bytes gzip'd = {r.UplinkBytesPerMillionTokens:N1} bytes per million tokens");
                    Console.WriteLine($"reduction           {r.ReductionRatio:N0}x (raw float32 token bytes / uplink bytes)");
                    Console.WriteLine($"resident            {r.RunPeakWorkingSetBytes / 1048576.0:F1} MiB peak during the run ({r.PeakWorkingSetBytes / 1048576.0:F1} MiB process peak), gen2 GCs during the run {r.Gen2Collections}");
                }
            }
            finally { Directory.Delete(outbox, recursive: true); }
            return 0;
        }));
        return command;
    }

    /// <summary>The manifest's generated class, as an application registers it with <c>AddGenerated</c>: raw windows of the
    /// manifest's channels, window and hop from the simulator, the class's own chain and model on each.</summary>
    internal static IPipeline Generated(string manifestPath, out double sampleRateHz)
    {
        var compilation = Bench.BenchManifest.Compile(manifestPath);
        var loaded = Bench.GeneratedPipelineCompiler.Load(manifestPath, compilation);
        var input = compilation.Manifest.Input;
        if (input.Channels != 3)
            throw new CliUsageException($"{manifestPath}: the bench's simulated axle box has 3 channels, the manifest's input has {input.Channels}");
        sampleRateHz = input.SampleRate;
        var shape = new GeneratedPipelineShape(new SampleWindow(input.Channels, input.Window, input.Hop), loaded.Pipeline.OutputLength,
            "generated " + compilation.Manifest.Name);
        // Roslyn's compilation is garbage now; give its memory back so the resident figure is the agent's own.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return new GeneratedPipeline(loaded.Pipeline.Infer, shape);
    }

    /// <summary>A linear anomaly score over the default front-end's features (Mul + ReduceMean + Sigmoid), compiled here.</summary>
    private static PlanPipeline BuiltInScore() => new(BuiltInPlan(), "built-in");

    private static EdgeToken.Runtime.Plans.Plan BuiltInPlan()
    {
        int features = BearingFrontEndOptions.Default(20480).FeatureCount;
        var b = new OnnxModelBuilder("bearing-score", 17);
        b.Input("features", ElementType.Float32, 1, features);
        var rng = new Random(5);
        b.Initializer("w", Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.1f).ToArray(), 1, features);
        b.Node("Mul", ["features", "w"], ["weighted"]);
        b.Node("ReduceMean", ["weighted"], ["logit"], ("axes", new long[] { 1 }), ("keepdims", 1L));
        b.Node("Sigmoid", ["logit"], ["score"]);
        b.Output("score", ElementType.Float32, 1, 1);
        string onnx = Path.Combine(Path.GetTempPath(), $"edgetoken-bench-{Environment.ProcessId}.onnx");
        b.Save(onnx);
        try { return ModelCompiler.CompileFile(onnx).Plan; }
        finally { File.Delete(onnx); }
    }
}
