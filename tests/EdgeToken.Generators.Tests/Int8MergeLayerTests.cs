using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Generators.Tests;

/// <summary>Int8 merges in a generated class: the residual Add, the gating Mul and the Concat run as the runtime's
/// kernel objects (<c>EdgeToken.QAdd/QMul/QConcat</c>), give the plan executor's output bit for bit and allocate nothing.</summary>
[Collection(AllocationCollection.Name)]
public sealed class Int8MergeLayerTests
{
    private const int Window = 8 * 64;

    /// <summary>x [1, 512] → [1, 8, 64] → Conv a + Relu; r = Relu(a + Conv b(a)); g = r · Conv(r); Concat(g, Conv(x)) →
    /// Conv 16→4 → GlobalAveragePool → Flatten → y [1, 4].</summary>
    private static OnnxModelBuilder Model()
    {
        var rng = new Random(5);
        float[] R(int n, float s) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * s).ToArray();
        var b = new OnnxModelBuilder("merges", opset: 17);
        b.Input("x", ElementType.Float32, 1, Window);
        var x = b.Op("Reshape", ["x", b.Initializer("shape", new long[] { 1, 8, 64 }, 3)]);
        string Conv(string input, string name, int cout, int cin, int k) =>
            b.Op("Conv", [input, b.Initializer($"{name}_w", R(cout * cin * k, 0.3f), cout, cin, k), b.Initializer($"{name}_b", R(cout, 0.1f), cout)], ("pads", new long[] { k / 2, k / 2 }));
        var a = b.Op("Relu", [Conv(x, "a", 8, 8, 3)]);
        var r = b.Op("Relu", [b.Op("Add", [a, Conv(a, "b", 8, 8, 3)])]);
        var g = b.Op("Mul", [r, Conv(r, "gate", 8, 8, 1)]);
        var joined = b.Op("Concat", [g, Conv(x, "side", 8, 8, 5)], ("axis", 1L));
        var h = b.Op("Flatten", [b.Op("GlobalAveragePool", [Conv(joined, "out", 4, 16, 1)])]);
        b.Node("Identity", [h], ["y"]);
        b.Output("y", ElementType.Float32, 1, 4);
        return b;
    }

    [Fact]
    public void Int8_add_mul_and_concat_run_in_the_generated_class_as_in_the_executor_without_allocating()
    {
        string manifest = TestPipelines.WriteProject(Model(), """
            {
              "name": "MergeModel",
              "namespace": "Acme.Merge",
              "model": "model.onnx",
              "input": { "channels": 1, "sampleRate": 100, "window": 512 },
              "output": { "kind": "regression" },
              "optimization": { "calibration": "calibration.f32", "quantize": {} }
            }
            """, file: "merge.edgemodel.json");
        GeneratedMatchesExecutor.WriteCalibration(manifest, Window);
        var compilation = TestPipelines.Compile(manifest);
        var ops = compilation.Model.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.Contains(QMerge.AddOpType, ops);
        Assert.Contains(QMerge.MulOpType, ops);
        Assert.Contains(QMerge.ConcatOpType, ops);
        GeneratedMatchesExecutor.Check(manifest, compilation, exact: true);
    }
}
