using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Quantization;

/// <summary>Where branches meet (a residual Add, a gating Mul, a Concat of parallel branches) between int8 layers, the
/// model stays int8: EdgeToken.QAdd/QMul/QConcat instead of dequantize, float op, quantize.</summary>
public class MergeQuantizationTests
{
    /// <summary>x [1, 4, 32] → Conv a (4→8, k3) + Relu; b = Conv (8→8, k3) of a; r = Relu(a + b) (residual);
    /// g = r · Sigmoid-free gate Conv (8→8, k1) of r; c = Conv (4→8, k5) of x; Concat(g, c) on channels →
    /// Conv (16→6, k1) → y [1, 6, 32].</summary>
    public static OnnxModelBuilder Branches(int seed = 1)
    {
        var b = new OnnxModelBuilder("branches", 17);
        b.Input("x", ElementType.Float32, 1, 4, 32);
        string Conv(string input, string name, int cout, int cin, int k, int s, float scale) =>
            b.Op("Conv", [input, b.Initializer($"{name}_w", TestModels.Random(cout * cin * k, seed + s, scale), cout, cin, k),
                b.Initializer($"{name}_b", TestModels.Random(cout, seed + s + 1, 0.1f), cout)], ("pads", new long[] { k / 2, k / 2 }));
        var a = b.Op("Relu", [Conv("x", "a", 8, 4, 3, 0, 0.3f)]);
        var residual = b.Op("Relu", [b.Op("Add", [a, Conv(a, "b", 8, 8, 3, 2, 0.2f)])]);
        var gated = b.Op("Mul", [residual, Conv(residual, "gate", 8, 8, 1, 4, 0.3f)]);
        var side = Conv("x", "side", 8, 4, 5, 6, 0.3f);
        var joined = b.Op("Concat", [gated, side], ("axis", 1L));
        b.Node("Conv", [joined, b.Initializer("out_w", TestModels.Random(6 * 16, seed + 8, 0.3f), 6, 16, 1)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 6, 32);
        return b;
    }

    [Fact]
    public void Add_mul_and_concat_between_int8_layers_run_int8_and_match_onnx_runtime_on_the_export()
    {
        var (f, q, dir, length) = QuantModels.CompileBoth(Branches(), [1, 4, 32]);
        var ops = q.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.Contains(QMerge.AddOpType, ops);
        Assert.Contains(QMerge.MulOpType, ops);
        Assert.Contains(QMerge.ConcatOpType, ops);
        // One quantize at the float input, one dequantize at the float output: nothing converts in between.
        Assert.Equal(1, ops.Count(o => o == "QuantizeLinear"));
        Assert.Equal(1, ops.Count(o => o == "DequantizeLinear"));
        Assert.DoesNotContain("Add", ops);
        Assert.DoesNotContain("Concat", ops);

        var qe = new PlanExecutor(q.Plan);
        var (sqnr, _) = QuantModels.Compare(new PlanExecutor(f.Plan), qe, length, count: 30);
        Assert.True(sqnr > 25, $"output SQNR {sqnr:F1} dB against float");

        string exported = Path.Combine(dir, "branches.qdq.onnx");
        QdqExporter.Export(q.Graph).Save(exported);
        float step = q.QuantizedLayers[^1].Output.Scale;
        var (differing, total) = QuantModels.CompareWithOnnxRuntime(qe, exported, [1, 4, 32], QuantModels.Samples(20, length, 4000), step);
        Assert.True(differing < total / 10, $"{differing} of {total} outputs differ");

        var (exit, stdout, stderr) = EdgeToken.Compiler.Tests.Cli.CliProcess.Run("compile", Path.Combine(dir, "model.onnx"), "--quantize", Path.Combine(dir, "calib.f32"), "--report", "--json");
        Assert.True(exit == 0, stderr);
        using var report = System.Text.Json.JsonDocument.Parse(stdout);
        var merges = report.RootElement.GetProperty("quantization").GetProperty("merges").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["1 × Add", "1 × Mul", "1 × Concat"], merges);
    }

    [Fact]
    public void A_merge_with_no_int8_input_stays_float()
    {
        // The Add reads the float model input twice: quantizing it for one int8 Add would only add conversions.
        var b = new OnnxModelBuilder("float_merge", 17);
        b.Input("x", ElementType.Float32, 1, 4, 16);
        var sum = b.Op("Add", ["x", b.Op("Relu", ["x"])]);
        b.Node("Conv", [sum, b.Initializer("w", TestModels.Random(4 * 4, 3, 0.3f), 4, 4, 1)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 4, 16);
        var (_, q, _, _) = QuantModels.CompileBoth(b, [1, 4, 16]);
        var ops = q.Plan.Steps.Select(s => s.OpType).ToList();
        Assert.Contains("Add", ops);
        Assert.DoesNotContain(QMerge.AddOpType, ops);
        Assert.Contains(QConv.OpType, ops);
    }

    [Theory]
    [InlineData(0.05f, 3, 0.05f, 3)]    // the output's parameters: copied
    [InlineData(0.02f, -10, 0.05f, 3)]  // narrower input
    [InlineData(0.11f, 40, 0.05f, -7)]  // wider input: clamps
    public void Int8_concat_requantizes_each_input_to_the_output_parameters(float scale, int zero, float scaleY, int zeroY)
    {
        // Two inputs [2, 3, 4] and [2, 1, 4] on axis 1: the second keeps the output's parameters.
        var a = Enumerable.Range(0, 24).Select(i => (sbyte)(i * 11 - 128)).ToArray();
        var b = Enumerable.Range(0, 8).Select(i => (sbyte)(i * 31 - 120)).ToArray();
        var concat = new Int8Concat(2, [12, 4], [scale, scaleY], [zero, zeroY], scaleY, zeroY);
        var y = new sbyte[32];
        concat.Run(0, a, y);
        concat.Run(1, b, y);
        for (int n = 0; n < 2; n++)
        {
            for (int k = 0; k < 12; k++)
            {
                double exact = (a[n * 12 + k] - zero) * (double)scale / scaleY;
                int expected = (int)Math.Clamp(Math.Round(exact, MidpointRounding.AwayFromZero) + zeroY, -128, 127);
                Assert.Equal(expected, y[n * 16 + k]);
            }
            for (int k = 0; k < 4; k++) Assert.Equal(b[n * 4 + k], y[n * 16 + 12 + k]);
        }
    }
}
