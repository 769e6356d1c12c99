using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.OnnxRuntime;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Generators.Tests;

/// <summary>Backend "onnxruntime": the same typed class over one ONNX Runtime session, providers tried in order.</summary>
[Collection(AllocationCollection.Name)]
public sealed class OnnxRuntimeBackendTests
{
    private const string Backend = "\"backend\": { \"kind\": \"onnxruntime\", \"executionProviders\": [\"nnapi\", \"xnnpack\", \"cpu\"] },\n  \"output\":";

    private const string Harness = """
        using System;
        using System.Collections.Generic;
        using Acme.Rail;
        public static class Harness
        {
            public static (float[] Output, string Provider, string[] Log) Infer(float[] window)
            {
                var log = new List<string>();
                using var p = new BearingClassifier(log.Add);
                var o = new float[BearingClassifier.OutputLength];
                p.Infer(window, o);
                return (o, p.ExecutionProvider, log.ToArray());
            }

            public static long[] Allocations(float[] window, int runs)
            {
                using var p = new BearingClassifier(_ => { });
                var o = new float[BearingClassifier.OutputLength];
                for (int i = 0; i < 200; i++) { p.Infer(window, o); p.Infer(window); }
                // A fresh gen0 budget: the counts are process-wide, and the test host's own threads (its result channel)
                // may allocate a little meanwhile; none of that can fill a fresh budget, our thread's bytes are counted apart.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
                for (int i = 0; i < runs; i++) { p.Infer(window, o); p.Infer(window); }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
                long c0 = GC.CollectionCount(0) - g0, c1 = GC.CollectionCount(1) - g1, c2 = GC.CollectionCount(2) - g2;
                return new[] { allocated, c0, c1, c2 };
            }
        }
        """;

    private static Type Build(string manifestText, OnnxModelBuilder? model = null)
    {
        string manifest = TestPipelines.WriteProject(model ?? TestPipelines.TwoClassModel(), manifestText);
        var compilation = TestPipelines.Compile(manifest);
        var (output, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation(Harness),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        return TestPipelines.EmitAndLoad(output).GetType("Harness")!;
    }

    private static float[] Window(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 64 * 2).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
    }

    [Fact]
    public void Same_outputs_as_the_plan_executor_and_the_provider_is_logged()
    {
        var ort = Build(TestPipelines.TwoClassManifest.Replace("\"output\":", Backend));
        var reference = TestPipelines.Compile(TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest));
        for (int seed = 0; seed < 3; seed++)
        {
            var (output, provider, log) = ((float[], string, string[]))ort.GetMethod("Infer")!.Invoke(null, [Window(seed)])!;
            var executor = new EdgeToken.Runtime.Execution.PlanExecutor(reference.Model.Plan);
            reference.Preprocess.Apply(Window(seed), executor.Input<float>(0), 64, reference.Manifest.Input.Layout);
            executor.Run();
            var expected = executor.Output<float>(0).ToArray();
            Assert.Equal("cpu", provider);
            var line = Assert.Single(log);
            Assert.Contains("'cpu'", line);
            Assert.Contains("'nnapi' is not in this ONNX Runtime build", line);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], output[i], 1e-5f);
        }
    }

    [Fact]
    public void Steady_state_allocates_nothing_and_collects_nothing()
    {
        var harness = Build(TestPipelines.TwoClassManifest.Replace("\"output\":", Backend));
        var deltas = (long[])harness.GetMethod("Allocations")!.Invoke(null, [Window(3), 20_000])!;
        // The figure docs/manifest.md states for the onnxruntime backend: 0 bytes per call (OrtIoBinding).
        Assert.Equal(new long[] { 0, 0, 0, 0 }, deltas);
    }

    [Fact]
    public void A_model_the_generated_backend_cannot_run_builds_with_onnxruntime()
    {
        // Einsum is not an EdgeToken operator: the generated backend reports ET0009, onnxruntime runs it.
        var b = new OnnxModelBuilder("einsum", opset: 17);
        b.Input("x", ElementType.Float32, 1, 64, 2);
        var w = b.Initializer("w", Enumerable.Range(0, 4).Select(i => (float)i).ToArray(), 2, 2);
        var h = b.Op("Einsum", ["x", w], ("equation", "btc,cd->btd"));
        h = b.Op("ReduceMean", [h], ("axes", new long[] { 1 }), ("keepdims", 0L));
        b.Node("Softmax", [h], ["scores"], ("axis", -1L));
        b.Output("scores", ElementType.Float32, 1, 2);
        string generated = TestPipelines.WriteProject(b, TestPipelines.TwoClassManifest);
        Assert.Equal("ET0009", Assert.Single(ManifestCompiler.Compile(generated).Diagnostics).Id);

        var harness = Build(TestPipelines.TwoClassManifest.Replace("\"output\":", Backend), b);
        var (output, provider, _) = ((float[], string, string[]))harness.GetMethod("Infer")!.Invoke(null, [Window(1)])!;
        Assert.Equal("cpu", provider);
        Assert.Equal(1f, output.Sum(), 1e-5f);
    }

    [Fact]
    public void Provider_selection_skips_unavailable_providers_and_falls_back_to_cpu()
    {
        byte[] model = ModelBytes();
        // Real availability: this package is the CPU build, so nnapi and qnn are not in it.
        var (session, selection) = ExecutionProviders.CreateSession(model, ["qnn", "nnapi", "cpu"], () => new Microsoft.ML.OnnxRuntime.SessionOptions());
        session.Dispose();
        Assert.Equal("cpu", selection.Provider);
        Assert.Equal(["'qnn' is not in this ONNX Runtime build", "'nnapi' is not in this ONNX Runtime build"], selection.Skipped);
        Assert.Contains("runs on execution provider 'cpu'", selection.LogLine);
    }

    [Fact]
    public void A_provider_listed_as_available_that_fails_to_load_falls_back_to_cpu()
    {
        // Pretend the build lists XNNPACK: appending it then fails for real (the library is not in this package),
        // and the selection must go on to CPU with the failure in the log line.
        var available = new[] { "XnnpackExecutionProvider", "CPUExecutionProvider" };
        var (session, selection) = ExecutionProviders.CreateSession(ModelBytes(), ["xnnpack"], () => new Microsoft.ML.OnnxRuntime.SessionOptions(), available);
        session.Dispose();
        Assert.Equal("cpu", selection.Provider);
        Assert.StartsWith("'xnnpack' failed: ", Assert.Single(selection.Skipped));
    }

    [Fact]
    public void Cpu_first_means_cpu_with_nothing_skipped()
    {
        var (session, selection) = ExecutionProviders.CreateSession(ModelBytes(), ["cpu", "nnapi"], () => new Microsoft.ML.OnnxRuntime.SessionOptions());
        session.Dispose();
        Assert.Equal(new ProviderSelection("cpu", []).LogLine, selection.LogLine);
    }

    [Fact]
    public void The_compiler_and_the_runtime_know_the_same_providers()
    {
        foreach (string name in OnnxRuntimeIo.KnownProviders) Assert.NotNull(ExecutionProviders.OrtName(name));
    }

    private static byte[] ModelBytes()
    {
        string dir = TestPipelines.TempDir();
        string path = Path.Combine(dir, "m.onnx");
        TestPipelines.TwoClassModel().Save(path);
        return File.ReadAllBytes(path);
    }
}
