using EdgeToken.Cli.Bench;

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
    public void A_bad_manifest_is_one_error_line_per_problem_at_its_place()
    {
        string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest.Replace("\"window\": 64", "\"window\": true"));
        var e = Assert.Throws<EdgeToken.Cli.Commands.CliUsageException>(() => BenchManifest.Compile(BenchManifest.Resolve(manifest, new Dictionary<string, int>())));
        Assert.Contains("bearing.edgemodel.json(6,60): error ET0003:", e.Message);
    }
}
