using EdgeToken.Cli.Bench;
using EdgeToken.Runtime.Execution;

namespace EdgeToken.Generators.Tests;

/// <summary><c>edgetoken bench</c>: a bare model goes through the default manifest, the generator and Roslyn, and all
/// targets run side by side. Latency is not asserted (a shared machine); allocation and agreement are.</summary>
[Collection(AllocationCollection.Name)]
public sealed class BenchTests
{
    [Fact]
    public void Bare_model_is_generated_compiled_and_measured_against_the_executor_and_onnx_runtime()
    {
        string dir = TestPipelines.TempDir();
        string model = Path.Combine(dir, "two_class.onnx");
        TestPipelines.TwoClassModel().Save(model);

        string manifest = BenchManifest.Resolve(model, new Dictionary<string, int>());
        var compilation = BenchManifest.Compile(manifest);
        var generated = GeneratedPipelineCompiler.Load(manifest, compilation);
        Assert.Contains("public sealed partial class BenchPipeline", generated.Source);
        Assert.Equal(128, generated.Pipeline.InputLength);

        var targets = new List<BenchTarget>
        {
            new GeneratedTarget(generated.Pipeline), new ExecutorTarget(compilation),
            new OnnxRuntimeTarget(compilation, binding: true), new OnnxRuntimeTarget(compilation, binding: false),
        };
        try
        {
            var figures = LatencyBench.Run(targets, generated.Pipeline.InputLength, generated.Pipeline.OutputLength, seconds: 0.2, seed: 1, out int iterations);
            Assert.True(iterations >= 200);
            Assert.Equal(["generated", "plan executor", "onnxruntime (IOBinding)", "onnxruntime (Run)"], figures.Select(f => f.Target));
            // The figures README.md reports: nothing allocated per inference except by ORT's own Run.
            Assert.Equal([0.0, 0.0, 0.0], figures.Take(3).Select(f => f.AllocatedBytesPerInference));
            Assert.True(figures[3].AllocatedBytesPerInference > 0, "ORT's Run no longer allocates: update README.md and docs/manifest.md");
            Assert.Equal(0.0, figures[0].MaxAbsDifferenceToExecutor);
            Assert.All(figures.Skip(2), f => Assert.True(f.MaxAbsDifferenceToExecutor < 1e-5, $"{f.Target}: {f.MaxAbsDifferenceToExecutor}"));
            Assert.All(figures, f => Assert.True(f.P50Microseconds > 0 && f.P99Microseconds >= f.P50Microseconds));
        }
        finally
        {
            foreach (var t in targets) t.Dispose();
        }
    }

    [Fact]
    public void Int8_and_its_qdq_export_are_timed_in_the_same_run_allocation_free_and_close_to_float()
    {
        string dir = TestPipelines.TempDir();
        string model = Path.Combine(dir, "dense.onnx");
        Mlp().Save(model);
        string manifest = BenchManifest.Resolve(model, new Dictionary<string, int>());
        var compilation = BenchManifest.Compile(manifest);
        var generated = GeneratedPipelineCompiler.Load(manifest, compilation);
        string calibration = OptimizedVariants.Calibration(null, compilation, out bool random);
        Assert.True(random);
        var int8 = OptimizedVariants.Build(manifest, compilation, "int8", "Int8", calibration, sparsePattern: null);
        Assert.Contains("public sealed partial class BenchPipelineInt8", int8.Generated.Source);
        Assert.Contains(int8.Compilation.Model.Plan.Steps, s => s.OpType.Contains("QGemm", StringComparison.Ordinal));
        Assert.True(compilation.Model.Statistics.WeightBytes > 3.5 * int8.Compilation.Model.Statistics.WeightBytes,
            $"{compilation.Model.Statistics.WeightBytes} float vs {int8.Compilation.Model.Statistics.WeightBytes} int8 weight bytes");

        var targets = new List<BenchTarget>
        {
            new GeneratedTarget(generated.Pipeline), new ExecutorTarget(compilation), new GeneratedTarget(int8.Generated.Pipeline, "generated int8"),
            new OnnxRuntimeTarget(compilation, binding: true, OptimizedVariants.QdqModel(int8.Compilation), "onnxruntime QDQ int8"),
        };
        try
        {
            var figures = LatencyBench.Run(targets, generated.Pipeline.InputLength, generated.Pipeline.OutputLength, seconds: 0.2, seed: 1, out _);
            Assert.Equal([0.0, 0.0, 0.0, 0.0], figures.Select(f => f.AllocatedBytesPerInference));
            // Calibrated on the same distribution as the bench window: int8 and ORT on the QDQ file stay near float.
            Assert.All(figures.Skip(2), f => Assert.True(f.MaxAbsDifferenceToExecutor is > 0 and < 0.05, $"{f.Target}: {f.MaxAbsDifferenceToExecutor}"));
        }
        finally
        {
            foreach (var t in targets) t.Dispose();
        }
    }

    /// <summary><c>bench --layers</c>: every step of each variant's plan gets a median, in plan order, with the float
    /// layer's MACs (also on the int8 step that replaced it); the steps run one by one compute what a whole run does.</summary>
    [Fact]
    public void Layers_are_timed_step_by_step_for_float_and_int8_with_the_float_layers_macs()
    {
        string dir = TestPipelines.TempDir();
        string model = Path.Combine(dir, "dense.onnx");
        Mlp().Save(model);
        string manifest = BenchManifest.Resolve(model, new Dictionary<string, int>());
        var compilation = BenchManifest.Compile(manifest);
        string calibration = OptimizedVariants.Calibration(null, compilation, out _);
        var int8 = OptimizedVariants.Build(manifest, compilation, "int8", "Int8", calibration, sparsePattern: null);

        var window = LatencyBench.Window(compilation.InputLength, seed: 3);
        var profiles = LayerProfile.Run([("float", compilation), ("int8", int8.Compilation)], window, seconds: 0.2);

        Assert.Equal(["float", "int8"], profiles.Select(p => p.Variant));
        long floatMacs = EdgeToken.Compiler.Analysis.MacCounter.Total(compilation.Model.Graph);
        Assert.Equal(48 * 64 + 64 * 6, floatMacs);
        foreach (var (profile, plan) in profiles.Zip([compilation.Model.Plan, int8.Compilation.Model.Plan]))
        {
            Assert.True(profile.Runs >= 100);
            Assert.Equal(plan.Steps.Select(s => s.Name), profile.Layers.Select(l => l.Step));
            Assert.Equal(plan.Steps.Select(s => s.OpType), profile.Layers.Select(l => l.OpType));
            Assert.All(profile.Layers, l => Assert.True(l.P50Microseconds > 0, $"{profile.Variant} {l.Step}"));
            Assert.Equal(1.0, profile.Layers.Sum(l => l.Share), 9);
            Assert.Equal(floatMacs, profile.Layers.Sum(l => l.Macs));
        }
        Assert.Equal(2, profiles[1].Layers.Count(l => l.OpType == "EdgeToken.QGemm" && l.Macs > 0));
        // Each int8 layer beside the float layer it replaced, from the same run; none for the float variant or the boundaries.
        Assert.All(profiles[0].Layers, l => Assert.Null(l.SpeedupOverFloat));
        foreach (var l in profiles[1].Layers)
        {
            var replaced = profiles[0].Layers.SingleOrDefault(f => f.Step == l.Step || f.Step + "_int8" == l.Step);
            Assert.Equal(replaced?.P50Microseconds, l.FloatP50Microseconds);
            if (replaced is not null) Assert.Equal(replaced.P50Microseconds / l.P50Microseconds, l.SpeedupOverFloat!.Value, 12);
        }
        Assert.Equal(2, profiles[1].Layers.Count(l => l.OpType == "EdgeToken.QGemm" && l.SpeedupOverFloat > 0));
        Assert.Contains(profiles[1].Layers, l => l.OpType == "QuantizeLinear" && l.SpeedupOverFloat is null);

        // Step by step is the whole run.
        var stepwise = new PlanExecutor(int8.Compilation.Model.Plan);
        var whole = new PlanExecutor(int8.Compilation.Model.Plan);
        for (int trial = 0; trial < 2; trial++)
        {
            var x = LatencyBench.Window(compilation.ModelInputLength, seed: 10 + trial);
            x.CopyTo(stepwise.Input<float>(0));
            x.CopyTo(whole.Input<float>(0));
            for (int s = 0; s < stepwise.StepCount; s++) stepwise.RunStep(s);
            whole.Run();
            Assert.Equal(whole.Output<float>(0).ToArray(), stepwise.Output<float>(0).ToArray());
        }
    }

    [Fact]
    public void A_bad_manifest_is_one_error_line_per_problem_at_its_place()
    {
        string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest.Replace("\"window\": 64", "\"window\": true"));
        var e = Assert.Throws<EdgeToken.Cli.Commands.CliUsageException>(() => BenchManifest.Compile(BenchManifest.Resolve(manifest, new Dictionary<string, int>())));
        Assert.Contains("bearing.edgemodel.json(6,60): error ET0003:", e.Message);
    }

    /// <summary>48 -> 64 (Gemm + Relu) -> 6 (Gemm).</summary>
    private static EdgeToken.Compiler.Onnx.OnnxModelBuilder Mlp()
    {
        var rng = new Random(9);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.3f).ToArray();
        var b = new EdgeToken.Compiler.Onnx.OnnxModelBuilder("mlp", opset: 17);
        b.Input("x", EdgeToken.Runtime.Tensors.ElementType.Float32, 1, 48);
        var h = b.Op("Relu", [b.Op("Gemm", ["x", b.Initializer("w1", R(48 * 64), 48, 64), b.Initializer("b1", R(64), 64)])]);
        b.Node("Gemm", [h, b.Initializer("w2", R(64 * 6), 64, 6), b.Initializer("b2", R(6), 6)], ["y"]);
        b.Output("y", EdgeToken.Runtime.Tensors.ElementType.Float32, 1, 6);
        return b;
    }
}
