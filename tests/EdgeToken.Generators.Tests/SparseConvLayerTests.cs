using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Generators.Tests;

/// <summary>N:M-pruned convolutions in a generated class: the sparse conv steps (<c>EdgeToken.SparseConv</c>, int8
/// <c>EdgeToken.QSparseConv</c>) run as the runtime's kernel objects over the class's static weights, give the plan
/// executor's output (int8 bit for bit; float within rounding, as the class calls Gemv for the last dense layer where the
/// executor runs Gemm) and allocate nothing per inference.</summary>
[Collection(AllocationCollection.Name)]
public sealed class SparseConvLayerTests
{
    private const int Window = 16 * 128;

    private const string Manifest = """
        {
          "name": "SparseConvModel",
          "namespace": "Acme.Sparse",
          "model": "model.onnx",
          "input": { "channels": 1, "sampleRate": 100, "window": 2048 },
          "output": { "kind": "regression" },
          "optimization": OPTIMIZATION
        }
        """;

    /// <summary>x [1, 2048] → [1, 16, 128] → Conv k5 pad 2, 16→32 + Relu → Conv k5 pad 2, 32→32 + Relu → GlobalAveragePool
    /// → Gemm 32→4: cnn1d's conv layers.</summary>
    private static OnnxModelBuilder Model()
    {
        var rng = new Random(8);
        float[] R(int n, float s) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * s).ToArray();
        var b = new OnnxModelBuilder("sparseconv", opset: 17);
        b.Input("x", ElementType.Float32, 1, Window);
        var h = b.Op("Reshape", ["x", b.Initializer("shape", new long[] { 1, 16, 128 }, 3)]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w1", R(32 * 16 * 5, 0.3f), 32, 16, 5), b.Initializer("b1", R(32, 0.1f), 32)], ("pads", new long[] { 2, 2 }))]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w2", R(32 * 32 * 5, 0.2f), 32, 32, 5), b.Initializer("b2", R(32, 0.1f), 32)], ("pads", new long[] { 2, 2 }))]);
        h = b.Op("Flatten", [b.Op("GlobalAveragePool", [h])]);
        b.Node("Gemm", [h, b.Initializer("w3", R(4 * 32, 0.3f), 4, 32), b.Initializer("b3", R(4, 0.1f), 4)], ["y"], ("transB", 1L));
        b.Output("y", ElementType.Float32, 1, 4);
        return b;
    }

    [Fact]
    public void Pruned_float_convolutions_run_sparse_in_the_generated_class_as_in_the_executor_without_allocating()
    {
        string manifest = TestPipelines.WriteProject(Model(), Manifest.Replace("OPTIMIZATION", "{ \"prune\": { \"pattern\": \"2:4\" } }"), file: "sparse.edgemodel.json");
        var compilation = TestPipelines.Compile(manifest);
        Assert.Equal(2, compilation.Model.Plan.Steps.Count(s => s.OpType == "EdgeToken.SparseConv"));
        GeneratedMatchesExecutor.Check(manifest, compilation, exact: false);
    }

    [Fact]
    public void Pruned_int8_convolutions_run_sparse_in_the_generated_class_as_in_the_executor_without_allocating()
    {
        string manifest = TestPipelines.WriteProject(Model(), Manifest.Replace("OPTIMIZATION",
            "{ \"calibration\": \"calibration.f32\", \"quantize\": {}, \"prune\": { \"pattern\": \"2:4\" } }"), file: "sparse8.edgemodel.json");
        GeneratedMatchesExecutor.WriteCalibration(manifest, Window);
        var compilation = TestPipelines.Compile(manifest);
        if (Int8ShiftedRowsConv.KernelPath(Int8Paths.Best) is not null)
            Assert.Equal(2, compilation.Model.Plan.Steps.Count(s => s.OpType == "EdgeToken.QSparseConv"));
        GeneratedMatchesExecutor.Check(manifest, compilation, exact: true);
    }
}
