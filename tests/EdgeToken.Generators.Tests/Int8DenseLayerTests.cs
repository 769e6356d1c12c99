using System.Runtime.InteropServices;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Generators.Tests;

/// <summary>The quantizer's one-row layers (QuantizeLinear → EdgeToken.QGemm chain → DequantizeLinear) emitted as direct
/// static calls: the generated source has no kernel object left, gives bit for bit the plan executor's output on the
/// same int8 plan, and the steady state allocates nothing.</summary>
[Collection(AllocationCollection.Name)]
public sealed class Int8DenseLayerTests
{
    private static readonly string Manifest = DenseLayerTests.Manifest.Replace("\"output\": { \"kind\": \"regression\" }",
        "\"output\": { \"kind\": \"regression\" },\n  \"optimization\": { \"calibration\": \"calibration.f32\", \"quantize\": {} }");

    private const string Harness = DenseLayerTests.Harness;

    /// <summary>24 -> 40 (Gemm + Relu) -> 33 (Gemm transB=1) -> 5 (Gemm without bias), quantized per channel: three QGemm,
    /// the first with its Relu as the clamp, chained in int8 between one QuantizeLinear and one DequantizeLinear. The first
    /// fits the packed weight layout, the others do not, so both forms of the call are checked.</summary>
    private static OnnxModelBuilder Model() => DenseLayerTests.Model(leakyRelu: false);

    [Fact]
    public void Int8_layers_are_direct_static_calls_bit_for_bit_the_executor_and_allocate_nothing()
    {
        string manifest = TestPipelines.WriteProject(Model(), Manifest, file: "dense.edgemodel.json");
        var compilation = CompileWithCalibration(manifest, seed: 3);
        Assert.Equal(3, compilation.Model.Plan.Steps.Count(s => s.OpType == "EdgeToken.QGemm"));

        var (output, source) = Generate(manifest, compilation);
        Assert.Equal(1, CountOf(source, "Int8Gemv.RunPacked(")); // 24 -> 40: weight reordered in place for the packed kernel
        Assert.Equal(2, CountOf(source, "Int8Gemv.Run("));       // 40 -> 33 and 33 -> 5: N or K does not fit the packed blocks
        Assert.Equal(1, CountOf(source, "QuantizeLinear.Row<sbyte>("));
        Assert.Equal(1, CountOf(source, "DequantizeLinear.Row<sbyte>("));
        Assert.DoesNotContain("GeneratedStep.CreateKernel", source); // every step specialised: no kernel objects left
        AssertBitForBitTheExecutorWithoutAllocating(output, compilation);
    }

    /// <summary>With 7-bit weights every pair fits vpmaddubsw: the packed layer's call gets its row sums (static data) and
    /// still gives the executor's output bit for bit; the unpacked ones keep the plain call.</summary>
    [Fact]
    public void Seven_bit_weights_pass_row_sums_to_the_packed_call_bit_for_bit_the_executor()
    {
        string manifest = TestPipelines.WriteProject(Model(), Manifest.Replace("\"quantize\": {}", "\"quantize\": { \"weightBits\": 7 }"), file: "dense7.edgemodel.json");
        var compilation = CompileWithCalibration(manifest, seed: 4);
        var (output, source) = Generate(manifest, compilation);
        Assert.Equal(1, CountOf(source, "Int8Gemv.RunPacked("));
        Assert.Equal(2, CountOf(source, "RowSums")); // the field and its one use
        Assert.Matches(@"Int8Gemv\.RunPacked\(I8\(arena, \d+, 24\), W8\(weights, \d+, 960\), Step\d+RowSums, W32", source);
        AssertBitForBitTheExecutorWithoutAllocating(output, compilation);
    }

    /// <summary>With the LeakyRelu the quantizer splits the activation off the second layer and tabulates it in front of
    /// the third: the QLookup becomes <c>Int8Lookup.Run</c> over its table as static data, still bit for bit the executor
    /// and allocation-free, with no kernel object left.</summary>
    [Fact]
    public void A_lookup_table_is_a_direct_static_call_bit_for_bit_the_executor()
    {
        string manifest = TestPipelines.WriteProject(DenseLayerTests.Model(leakyRelu: true), Manifest, file: "leaky.edgemodel.json");
        var compilation = CompileWithCalibration(manifest, seed: 5);
        Assert.Equal(3, compilation.Model.Plan.Steps.Count(s => s.OpType == "EdgeToken.QGemm"));
        Assert.Equal(1, compilation.Model.Plan.Steps.Count(s => s.OpType == "EdgeToken.QLookup"));
        var (output, source) = Generate(manifest, compilation);
        Assert.Equal(1, CountOf(source, "Int8Lookup.Run("));
        Assert.DoesNotContain("GeneratedStep.CreateKernel", source);
        AssertBitForBitTheExecutorWithoutAllocating(output, compilation);
    }

    /// <summary>The manifest's calibration file (64 windows of uniform values in [-2, 2)) written beside it, then compiled.</summary>
    private static ManifestCompilation CompileWithCalibration(string manifest, int seed)
    {
        var calibration = new float[64 * 24];
        var rng = new Random(seed);
        for (int i = 0; i < calibration.Length; i++) calibration[i] = (float)(rng.NextDouble() * 4 - 2);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(manifest)!, "calibration.f32"), MemoryMarshal.AsBytes(calibration.AsSpan()).ToArray());
        return TestPipelines.Compile(manifest);
    }

    private static (Microsoft.CodeAnalysis.Compilation Output, string Source) Generate(string manifest, ManifestCompilation compilation)
    {
        var (output, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation(Harness),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        return (output, output.SyntaxTrees.Single(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToString());
    }

    /// <summary>Eight random windows give the plan executor's output bit for bit; 100,000 inferences allocate nothing.</summary>
    private static void AssertBitForBitTheExecutorWithoutAllocating(Microsoft.CodeAnalysis.Compilation output, ManifestCompilation compilation)
    {
        var harness = TestPipelines.EmitAndLoad(output).GetType("Harness")!;
        for (int seed = 0; seed < 8; seed++)
        {
            var r = new Random(seed);
            var window = Enumerable.Range(0, 24).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
            var executor = new PlanExecutor(compilation.Model.Plan);
            window.CopyTo(executor.Input<float>(0));
            executor.Run();
            var expected = executor.Output<float>(0).ToArray();
            var actual = (float[])harness.GetMethod("Infer")!.Invoke(null, [window])!;
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
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
