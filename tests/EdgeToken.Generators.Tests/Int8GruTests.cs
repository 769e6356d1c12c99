using System.Runtime.InteropServices;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Generators.Tests;

/// <summary>A quantized GRU (<c>EdgeToken.QGru</c>) in the generated class: a direct call of <c>QGru.Run</c> (no kernel
/// object), bit for bit the plan executor's output on the same int8 plan, and the steady state allocates nothing, in the
/// class and in the executor.</summary>
[Collection(AllocationCollection.Name)]
public sealed class Int8GruTests
{
    private static readonly string Manifest = DenseLayerTests.Manifest.Replace("\"output\": { \"kind\": \"regression\" }",
        "\"output\": { \"kind\": \"regression\" },\n  \"optimization\": { \"calibration\": \"calibration.f32\", \"quantize\": { \"recurrent\": true } }");

    /// <summary>The window of 24 as x [4 steps, 1, 6] → GRU (hidden 13, not a multiple of 8, or 16) → Y_h → Reshape → Gemm h→3.</summary>
    private static OnnxModelBuilder Model(bool linearBeforeReset, string direction, int h = 13)
    {
        var rng = new Random(11);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
        int dirs = direction == "bidirectional" ? 2 : 1;
        var b = new OnnxModelBuilder("gru", 17);
        b.Input("x", ElementType.Float32, 4, 1, 6);
        b.Node("GRU", ["x", b.Initializer("W", R(dirs * 3 * h * 6, 0.4f), dirs, 3 * h, 6), b.Initializer("R", R(dirs * 3 * h * h, 0.3f), dirs, 3 * h, h),
            b.Initializer("B", R(dirs * 6 * h, 0.1f), dirs, 6 * h)], ["", "last"], ("hidden_size", (long)h), ("direction", direction),
            ("linear_before_reset", linearBeforeReset ? 1L : 0L));
        var flat = b.Op("Reshape", ["last", b.Initializer("shape", new long[] { 1, dirs * h }, 2)]);
        b.Node("Gemm", [flat, b.Initializer("fc", R(dirs * h * 3, 0.3f), dirs * h, 3), b.Initializer("fb", R(3, 0.1f), 3)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 3);
        return b;
    }

    /// <summary>With 7-bit weights and hidden 16 the AVX-512BW loop takes the u8 products, with the row sums the class
    /// computes once in a static field (and the executor's kernel once when made).</summary>
    [Theory]
    [InlineData(false, "forward", 13, 8)]
    [InlineData(true, "reverse", 13, 8)]
    [InlineData(false, "bidirectional", 13, 8)]
    [InlineData(false, "bidirectional", 16, 7)]
    [InlineData(true, "forward", 16, 7)]
    public void A_quantized_gru_is_bit_for_bit_the_executor_and_allocates_nothing(bool linearBeforeReset, string direction, int hidden, int weightBits)
    {
        string text = weightBits == 8 ? Manifest : Manifest.Replace("\"recurrent\": true", "\"recurrent\": true, \"weightBits\": 7");
        string manifest = TestPipelines.WriteProject(Model(linearBeforeReset, direction, hidden), text,
            file: $"gru{(linearBeforeReset ? 1 : 0)}{direction}{hidden}w{weightBits}.edgemodel.json");
        var calibration = new float[64 * 24];
        var rng = new Random(3);
        for (int i = 0; i < calibration.Length; i++) calibration[i] = (float)(rng.NextDouble() * 4 - 2);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(manifest)!, "calibration.f32"), MemoryMarshal.AsBytes(calibration.AsSpan()).ToArray());
        var compilation = TestPipelines.Compile(manifest);
        Assert.Equal(1, compilation.Model.Plan.Steps.Count(s => s.OpType == "EdgeToken.QGru"));

        var (output, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation(DenseLayerTests.Harness),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        string source = output.SyntaxTrees.Single(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToString();
        // One direct call of the runtime's QGru.Run, no kernel object for it.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, @"QGru\.Run\("));
        Assert.DoesNotContain("\"EdgeToken.QGru\"", source);
        Assert.Contains("RowSums = ", source);
        var harness = TestPipelines.EmitAndLoad(output).GetType("Harness")!;
        var executor = new PlanExecutor(compilation.Model.Plan);
        for (int seed = 0; seed < 8; seed++)
        {
            var r = new Random(seed);
            var window = Enumerable.Range(0, 24).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
            window.CopyTo(executor.Input<float>(0));
            executor.Run();
            var expected = executor.Output<float>(0).ToArray();
            var actual = (float[])harness.GetMethod("Infer")!.Invoke(null, [window])!;
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal(0L, (long)harness.GetMethod("Allocations")!.Invoke(null, [new float[24], 100_000])!);

        for (int i = 0; i < 100; i++) executor.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) executor.Run();
        Assert.Equal(0L, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
