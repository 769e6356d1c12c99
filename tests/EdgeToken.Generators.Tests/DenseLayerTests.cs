using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Generators.Tests;

/// <summary>One-row Gemm emitted as direct Gemv calls: the generated source uses them, the result agrees with the
/// plan executor within float rounding, and the steady state allocates nothing.</summary>
[Collection(AllocationCollection.Name)]
public sealed class DenseLayerTests
{
    internal const string Manifest = """
        {
          "name": "DenseModel",
          "namespace": "Acme.Dense",
          "model": "model.onnx",
          "input": { "channels": 1, "sampleRate": 100, "window": 24 },
          "output": { "kind": "regression" }
        }
        """;

    internal const string Harness = """
        using System;
        using Acme.Dense;
        public static class Harness
        {
            public static float[] Infer(float[] window)
            {
                var p = new DenseModel();
                var o = new float[DenseModel.OutputLength];
                p.Infer(window, o);
                return o;
            }

            public static long Allocations(float[] window, int runs)
            {
                var p = new DenseModel();
                var o = new float[DenseModel.OutputLength];
                for (int i = 0; i < 1000; i++) p.Infer(window, o);
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < runs; i++) p.Infer(window, o);
                return GC.GetAllocatedBytesForCurrentThread() - bytes;
            }
        }
        """;

    /// <summary>24 -> 40 (Gemm + Relu, fused) -> 33 (Gemm transB=1, PyTorch's Linear, + LeakyRelu unless
    /// <paramref name="leakyRelu"/> is false) -> 5 (Gemm without bias).</summary>
    internal static OnnxModelBuilder Model(bool leakyRelu = true)
    {
        var rng = new Random(5);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.3f).ToArray();
        var b = new OnnxModelBuilder("dense", opset: 17);
        b.Input("x", ElementType.Float32, 1, 24);
        var h = b.Op("Relu", [b.Op("Gemm", ["x", b.Initializer("w1", R(24 * 40), 24, 40), b.Initializer("b1", R(40), 40)])]);
        h = b.Op("Gemm", [h, b.Initializer("w2", R(33 * 40), 33, 40), b.Initializer("b2", R(33), 33)], ("transB", 1L));
        if (leakyRelu) h = b.Op("LeakyRelu", [h], ("alpha", 0.1f));
        b.Node("Gemm", [h, b.Initializer("w3", R(33 * 5), 33, 5)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 5);
        return b;
    }

    [Fact]
    public void Dense_layers_are_direct_gemv_calls_equal_to_the_executor_within_rounding_and_allocate_nothing()
    {
        string manifest = TestPipelines.WriteProject(Model(), Manifest, file: "dense.edgemodel.json");
        var compilation = TestPipelines.Compile(manifest);
        var (output, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation(Harness),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        string source = output.SyntaxTrees.Single(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToString();
        Assert.Equal(2, CountOf(source, "Gemv.RunKN("));
        Assert.Equal(1, CountOf(source, "Gemv.RunNK("));
        Assert.DoesNotContain("GeneratedStep.CreateKernel", source); // every step specialised: no kernel objects left
        var harness = TestPipelines.EmitAndLoad(output).GetType("Harness")!;

        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new Random(seed);
            var window = Enumerable.Range(0, 24).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            var executor = new PlanExecutor(compilation.Model.Plan);
            window.CopyTo(executor.Input<float>(0));
            executor.Run();
            var expected = executor.Output<float>(0).ToArray();
            var actual = (float[])harness.GetMethod("Infer")!.Invoke(null, [window])!;
            float scale = expected.Max(MathF.Abs);
            for (int i = 0; i < expected.Length; i++) Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(1f, scale), $"output {i}: {expected[i]} vs {actual[i]}");
        }
        Assert.Equal(0L, (long)harness.GetMethod("Allocations")!.Invoke(null, [new float[24], 100_000])!);
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
