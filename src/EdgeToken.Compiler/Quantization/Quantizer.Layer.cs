using EdgeToken.Compiler.Analysis;
using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    /// <summary>What every quantized layer shares, whatever its geometry: float weights as rows [N, K] (one row per output
    /// channel), the float bias, and the int8 operator with its geometry attributes.</summary>
    private sealed record LayerWeights(float[] Rows, int N, int K, int[] Dims, double[]? Bias, string OpType, NodeAttributes Geometry);

    /// <summary>Quantizes the weights and bias, computes the per-channel requantization, and replaces <paramref name="node"/>
    /// by <c>QuantizeLinear</c> (unless its input is already int8) → the int8 operator → <c>DequantizeLinear</c>.</summary>
    private static QuantizedLayer RewriteLayer(Graph graph, Node node, LayerWeights lw, QuantizationParameters qx, QuantizationParameters qy,
        bool perChannel, Dictionary<Value, Value> int8Of)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var b = node.Inputs[1]!;
        var (wq, ws) = WeightQuantizer.Quantize(lw.Rows, lw.N, lw.K, perChannel);
        var bias = new int[lw.N];
        var multipliers = new long[ws.Length];
        var shifts = new long[ws.Length];
        for (int i = 0; i < ws.Length; i++)
        {
            var m = FixedPointMultiplier.FromReal((double)qx.Scale * ws[i] / qy.Scale);
            multipliers[i] = m.Multiplier;
            shifts[i] = m.Shift;
        }
        for (int r = 0; r < lw.N; r++)
        {
            double unit = (double)qx.Scale * ws[perChannel ? r : 0];
            long q = lw.Bias is null ? 0 : (long)Math.Round(lw.Bias[r] / unit, MidpointRounding.AwayFromZero);
            bias[r] = (int)Math.Clamp(q, int.MinValue / 2, int.MaxValue / 2);
        }
        var folded = Int8Conv.FoldZeroPoint(bias, wq, lw.N, qx.ZeroPoint);
        string act = node.Attributes.GetString(FusedActivation.AttributeName, "");
        var clamp = Clamp(node, act, qy);

        var xq = Int8Input(graph, node.Name, x, qx, int8Of);
        var yq = Tensor($"{y.Name}_int8", ElementType.Int8, y.Dims!);
        var attributes = RequantizeAttributes(lw.Geometry, multipliers, shifts, qy.ZeroPoint, clamp)
            // Not read by the kernel: what QdqExporter needs to write the layer back as float ops between Q/DQ pairs.
            .With(QdqExporter.InputScale, AttributeValue.Of(qx.Scale))
            .With(QdqExporter.InputZeroPoint, AttributeValue.Of((long)qx.ZeroPoint))
            .With(QdqExporter.WeightScales, AttributeValue.Of(ws))
            .With(QdqExporter.OutputScale, AttributeValue.Of(qy.Scale))
            .With(FusedActivation.AttributeName, AttributeValue.Of(act))
            .With(FusedActivation.AlphaName, AttributeValue.Of(node.Attributes.GetFloat(FusedActivation.AlphaName, 0f)))
            .With(FusedActivation.BetaName, AttributeValue.Of(node.Attributes.GetFloat(FusedActivation.BetaName, 0f)));
        AddNode(graph, $"{node.Name}_int8", lw.OpType, attributes,
            [xq, Constant($"{b.Name}_int8", ElementType.Int8, lw.Dims, wq), Constant($"{node.Name}_bias_int32", ElementType.Int32, [lw.N], folded)], yq);
        graph.Nodes.Remove(node);
        Dequantize(graph, node.Name, yq, y, qy);
        int8Of[y] = yq;

        long weights = (long)lw.N * lw.K;
        long floatBytes = weights * 4 + (lw.Bias is null ? 0 : lw.N * 4);
        long int8Bytes = weights + lw.N * 4 + ws.Length * 8;
        return new QuantizedLayer(node.Name, node.OpType, weights * 4, weights, floatBytes, int8Bytes, MacCounter.Count(node), qx, qy, act);
    }

    /// <summary>The clamp that carries a fused Relu or Clip on the output's int8 grid.</summary>
    private static (int Min, int Max) Clamp(Node node, string activation, QuantizationParameters qy) => activation switch
    {
        "Relu" => Int8Clamp.Relu(qy.ZeroPoint),
        "Clip" => Int8Clamp.Clip(node.Attributes.GetFloat(FusedActivation.AlphaName, float.MinValue), node.Attributes.GetFloat(FusedActivation.BetaName, float.MaxValue), qy.Scale, qy.ZeroPoint),
        _ => (sbyte.MinValue, sbyte.MaxValue),
    };

    private static NodeAttributes RequantizeAttributes(NodeAttributes geometry, long[] multipliers, long[] shifts, int outputZeroPoint, (int Min, int Max) clamp) =>
        geometry
            .With("multipliers", AttributeValue.Of(multipliers))
            .With("shifts", AttributeValue.Of(shifts))
            .With("output_zero_point", AttributeValue.Of((long)outputZeroPoint))
            .With("min", AttributeValue.Of((long)clamp.Min))
            .With("max", AttributeValue.Of((long)clamp.Max));

    /// <summary>The int8 tensor <paramref name="x"/> was quantized to, adding the <c>QuantizeLinear</c> the first time.</summary>
    private static Value Int8Input(Graph graph, string layer, Value x, QuantizationParameters qx, Dictionary<Value, Value> int8Of)
    {
        if (int8Of.TryGetValue(x, out var xq)) return xq;
        xq = Tensor($"{x.Name}_int8", ElementType.Int8, x.Dims!);
        AddNode(graph, $"{layer}_quantize", "QuantizeLinear", NodeAttributes.Empty,
            [x, Scalar($"{x.Name}_scale", qx.Scale), Int8Scalar($"{x.Name}_zero_point", qx.ZeroPoint)], xq);
        int8Of[x] = xq;
        return xq;
    }

    /// <summary>Makes <paramref name="y"/> the <c>DequantizeLinear</c> of <paramref name="yq"/>, so float readers still see it.</summary>
    private static void Dequantize(Graph graph, string layer, Value yq, Value y, QuantizationParameters qy)
    {
        var dq = AddNode(graph, $"{layer}_dequantize", "DequantizeLinear", NodeAttributes.Empty,
            [yq, Scalar($"{y.Name}_scale", qy.Scale), Int8Scalar($"{y.Name}_zero_point", qy.ZeroPoint)], y);
        y.Producer = dq;
    }
}
