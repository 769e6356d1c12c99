using EdgeToken.Cli.Reference;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Quantization;

/// <summary>QLinearConv and QLinearMatMul on int8 with constant weights run as QConv / QGemm.</summary>
public class QLinearFoldingTests
{
    private const float OutputScale = 0.05f;

    private static string Int8Weights(OnnxModelBuilder b, string name, int seed, params int[] dims)
    {
        var rng = new Random(seed);
        var w = new byte[dims.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < w.Length; i++) w[i] = (byte)(sbyte)rng.Next(-127, 128);
        return b.Initializer(name, ElementType.Int8, w, dims);
    }

    private static string Int8Scalar(OnnxModelBuilder b, string name, int v) => b.Initializer(name, ElementType.Int8, [(byte)(sbyte)v]);

    /// <summary>QuantizeLinear → QLinear layers with the given weights → DequantizeLinear.</summary>
    private static OnnxModelBuilder Model(string kind)
    {
        var b = new OnnxModelBuilder(kind, 17);
        int[] x = kind switch { "conv2d" => [1, 3, 8, 8], "conv1d" => [1, 4, 20], _ => [2, 16] };
        b.Input("x", ElementType.Float32, x);
        string sx = b.Initializer("sx", [4f / 255]), zx = Int8Scalar(b, "zx", 3);
        string sy = b.Initializer("sy", [OutputScale]), zy = Int8Scalar(b, "zy", -5);
        string h = b.Op("QuantizeLinear", ["x", sx, zx]);
        string Layer(string input, int[] w, int channels, int seed, params (string, object)[] attributes)
        {
            string weights = Int8Weights(b, b.Fresh("w"), seed, w);
            string ws = b.Initializer(b.Fresh("ws"), TestModels.Random(channels, seed, 0.001f).Select(v => 0.0025f + v).ToArray(), channels);
            string zw = b.Initializer(b.Fresh("zw"), ElementType.Int8, new byte[channels], channels);
            if (kind == "matmul") return b.Op("QLinearMatMul", [input, sx, zx, weights, ws, zw, sy, zy], attributes);
            var bias = new int[w[0]];
            for (int i = 0; i < bias.Length; i++) bias[i] = (i * 37 % 200) - 100;
            string bb = b.Initializer(b.Fresh("bias"), ElementType.Int32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(bias.AsSpan()).ToArray(), w[0]);
            return b.Op("QLinearConv", [input, sx, zx, weights, ws, zw, sy, zy, bb], attributes);
        }
        // Input and output of every layer share (sx, zx) and (sy, zy); a second layer reads the first with (sy, zy) as its x.
        int[] yDims;
        switch (kind)
        {
            case "conv2d":
                h = Layer(h, [6, 3, 3, 3], 6, 1, ("pads", new long[] { 1, 1, 1, 1 }));
                (sx, zx) = (sy, zy);
                h = Layer(h, [6, 1, 3, 3], 6, 2, ("group", 6L), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }));
                yDims = [1, 6, 4, 4];
                break;
            case "conv1d":
                h = Layer(h, [5, 4, 3], 5, 3, ("dilations", new long[] { 2 }), ("pads", new long[] { 2, 2 }));
                yDims = [1, 5, 20];
                break;
            default:
                h = Layer(h, [16, 10], 10, 4);
                yDims = [2, 10];
                break;
        }
        b.Node("DequantizeLinear", [h, sy, zy], ["y"]);
        b.Output("y", ElementType.Float32, yDims);
        return b;
    }

    private static float[] Run(PlanExecutor e, float[] x) => QuantModels.Run(e, x);

    [Theory]
    [InlineData("conv2d")]
    [InlineData("conv1d")]
    [InlineData("matmul")]
    public void Int8_qlinear_layers_run_on_the_int8_kernels_within_one_step_of_onnx_runtime(string kind)
    {
        string dir = TestModels.TempDir();
        string path = TestModels.Save(Model(kind), dir);
        var model = ModelCompiler.CompileFile(path);
        var ops = model.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.DoesNotContain(ops, o => o.StartsWith("QLinear", StringComparison.Ordinal));
        Assert.Contains(ops, o => o == (kind == "matmul" ? QGemm.OpType : QConv.OpType));

        var dims = model.Plan.Input(0).Info.Dims.ToArray();
        int length = dims.Aggregate(1, (a, d) => a * d);
        var executor = new PlanExecutor(model.Plan);
        // The ONNX operators themselves, with the folding off.
        var unfolded = new PlanExecutor(ModelCompiler.CompileFile(path, new CompileOptions { DisabledPasses = new HashSet<string> { "qdq-folding" } }).Plan);
        using var ort = new OnnxRuntimeReference(path);
        foreach (var x in QuantModels.Samples(10, length, 300))
        {
            var ours = Run(executor, x);
            var theirs = ort.Run([ConstantTensor.FromArray(ElementType.Float32, dims, x)])[0].AsSpan<float>().ToArray();
            var reference = Run(unfolded, x);
            for (int i = 0; i < ours.Length; i++)
            {
                Assert.True(Math.Abs(ours[i] - theirs[i]) <= OutputScale * 1.001f, $"output {i}: EdgeToken {ours[i]}, ONNX Runtime {theirs[i]}");
                Assert.True(Math.Abs(ours[i] - reference[i]) <= OutputScale * 1.001f, $"output {i}: folded {ours[i]}, QLinear operator {reference[i]}");
            }
        }
    }
}
