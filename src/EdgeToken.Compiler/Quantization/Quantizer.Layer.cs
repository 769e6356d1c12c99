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
        bool perChannel, int weightBits, Dictionary<Value, Value> int8Of)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var b = node.Inputs[1]!;
        var (wq, ws) = WeightQuantizer.Quantize(lw.Rows, lw.N, lw.K, perChannel, weightBits);
        var bias = new int[lw.N];
        for (int r = 0; r < lw.N; r++)
        {
            double unit = (double)qx.Scale * ws[perChannel ? r : 0];
            long q = lw.Bias is null ? 0 : (long)Math.Round(lw.Bias[r] / unit, MidpointRounding.AwayFromZero);
            bias[r] = (int)Math.Clamp(q, int.MinValue / 2, int.MaxValue / 2);
        }
        string act = node.Attributes.GetString(FusedActivation.AttributeName, "");
        var activation = new FusedActivation(act, node.Attributes.GetFloat(FusedActivation.AlphaName, 0f), node.Attributes.GetFloat(FusedActivation.BetaName, 0f));
        var xq = Int8Input(graph, node.Name, x, qx, int8Of);
        var yq = Tensor($"{y.Name}_int8", ElementType.Int8, y.Dims!);
        var int8 = CreateInt8Node($"{node.Name}_int8", lw.OpType, lw.Geometry, xq, yq,
            Constant($"{b.Name}_int8", ElementType.Int8, lw.Dims, wq), bias, ws, qx, qy, activation);
        graph.Nodes.Add(int8);
        graph.Nodes.Remove(node);
        Dequantize(graph, node.Name, yq, y, qy);
        int8Of[y] = yq;

        long weights = (long)lw.N * lw.K;
        long floatBytes = weights * 4 + (lw.Bias is null ? 0 : lw.N * 4);
        long int8Bytes = weights + lw.N * 4 + ws.Length * 8;
        return new QuantizedLayer(node.Name, node.OpType, weights * 4, weights, floatBytes, int8Bytes, MacCounter.Count(node), qx, qy, act)
        {
            RequantBits = (int)int8.Attributes.GetInt(RequantBitsAttribute, 31),
        };
    }

    /// <summary>An <c>EdgeToken.QGemm</c> or <c>EdgeToken.QConv</c> node (not yet in a graph) for int8 weights
    /// <paramref name="w"/> (one row per output channel) with <paramref name="weightScales"/> (one per channel or one),
    /// its bias in units of x_scale · w_scale[n] (the input zero point's correction is folded in here), the fixed-point
    /// requantization to <paramref name="qy"/>, and the clamp of a fused Relu or Clip. The quantizer and the import of
    /// pre-quantized models both build their int8 layers here.</summary>
    /// <param name="imported">The layer comes from a model that arrived quantized: its multipliers keep the model's scales
    /// (<see cref="NarrowMultipliers"/> only snaps those that are already narrow to float precision).</param>
    internal static Node CreateInt8Node(string name, string opType, NodeAttributes geometry, Value xq, Value yq, Value w, int[] bias,
        float[] weightScales, QuantizationParameters qx, QuantizationParameters qy, FusedActivation activation, bool imported = false)
    {
        int n = bias.Length;
        var multipliers = new long[weightScales.Length];
        var shifts = new long[weightScales.Length];
        for (int i = 0; i < weightScales.Length; i++)
        {
            var m = FixedPointMultiplier.FromReal((double)qx.Scale * weightScales[i] / qy.Scale);
            multipliers[i] = m.Multiplier;
            shifts[i] = m.Shift;
        }
        var folded = Int8Conv.FoldZeroPoint(bias, w.Constant!.AsSpan<sbyte>(), n, qx.ZeroPoint);
        int requantBits = opType == QConv.OpType ? NarrowMultipliers(w.Constant!.AsSpan<sbyte>(), folded, qy.ZeroPoint, multipliers, shifts, snapOnly: imported) : 31;
        if (requantBits < 31) weightScales = EffectiveWeightScales(multipliers, shifts, qx, qy);
        (int Min, int Max) clamp = activation.Kind switch
        {
            "Relu" => Int8Clamp.Relu(qy.ZeroPoint),
            "Clip" => Int8Clamp.Clip(activation.Alpha, activation.Beta, qy.Scale, qy.ZeroPoint),
            _ => (sbyte.MinValue, sbyte.MaxValue),
        };
        var attributes = geometry
            .With("multipliers", AttributeValue.Of(multipliers))
            .With("shifts", AttributeValue.Of(shifts))
            .With("output_zero_point", AttributeValue.Of((long)qy.ZeroPoint))
            .With("min", AttributeValue.Of((long)clamp.Min))
            .With("max", AttributeValue.Of((long)clamp.Max))
            .With(RequantBitsAttribute, AttributeValue.Of((long)requantBits))
            // Not read by the kernel: what QdqExporter needs to write the layer back as float ops between Q/DQ pairs.
            .With(QdqExporter.InputScale, AttributeValue.Of(qx.Scale))
            .With(QdqExporter.InputZeroPoint, AttributeValue.Of((long)qx.ZeroPoint))
            .With(QdqExporter.WeightScales, AttributeValue.Of(weightScales))
            .With(QdqExporter.OutputScale, AttributeValue.Of(qy.Scale))
            .With(FusedActivation.AttributeName, AttributeValue.Of(activation.Kind ?? ""))
            .With(FusedActivation.AlphaName, AttributeValue.Of(activation.Alpha))
            .With(FusedActivation.BetaName, AttributeValue.Of(activation.Beta));
        var node = new Node(name, opType, attributes, [xq, w, Constant($"{name}_bias_int32", ElementType.Int32, [n], folded)], [yq]);
        yq.Producer = node;
        return node;
    }

    /// <summary>The fewest significant bits a convolution's multipliers are rounded to so that its requantization runs on
    /// 32-bit lanes (<see cref="NarrowRequantization"/>): 10 bits put each channel's scale within 2^-10 (0.1 %) of the
    /// float one, at most an eighth of the output's rounding step at full scale (127 · 2^-10) against the half step of the
    /// rounding itself. A layer that would need fewer keeps the full 31 bits and the 64-bit requantization.</summary>
    internal const int NarrowMultiplierBits = 10;

    /// <summary>Rounds each output channel's multiplier to as many significant bits as keep every accumulator its int8
    /// inputs can give (<see cref="NarrowRequantization.AccumulatorRange"/>, folded bias added) times the multiplier
    /// within an int32, when that is at least <see cref="NarrowMultiplierBits"/> for every channel; otherwise leaves them.
    /// One multiplier for all channels is rounded for the widest channel. With <paramref name="snapOnly"/> (a model that
    /// arrived quantized) a multiplier is rounded only where that moves it by less than float precision (2^-22): a model
    /// EdgeToken quantized and exported comes back with the very multipliers it had, anyone else's keeps its own. Returns
    /// the most significant bits a rounded multiplier kept, or 31 when none was rounded.</summary>
    private static int NarrowMultipliers(ReadOnlySpan<sbyte> w, int[] foldedBias, int outputZeroPoint, long[] multipliers, long[] shifts, bool snapOnly)
    {
        int n = foldedBias.Length, k = w.Length / n;
        var bits = new int[multipliers.Length];
        Array.Fill(bits, 31);
        for (int c = 0; c < n; c++)
        {
            var (low, high) = NarrowRequantization.AccumulatorRange(w.Slice(c * k, k));
            long magnitude = Math.Max(Math.Abs(low + foldedBias[c]), Math.Abs(high + foldedBias[c]));
            int i = multipliers.Length == 1 ? 0 : c;
            bits[i] = Math.Min(bits[i], NarrowRequantization.SignificantBits(magnitude, (int)shifts[i], outputZeroPoint));
        }
        if (!snapOnly && Array.Exists(bits, b => b < NarrowMultiplierBits)) return 31;
        int kept = 0;
        for (int i = 0; i < multipliers.Length; i++)
        {
            if (bits[i] == 0) continue;
            var full = new FixedPointMultiplier((int)multipliers[i], (int)shifts[i]);
            var m = full.WithSignificantBits(bits[i]);
            if (m == full || snapOnly && Math.Abs(m.Real / full.Real - 1) > 1.0 / (1 << 22)) continue;
            (multipliers[i], shifts[i]) = (m.Multiplier, m.Shift);
            kept = Math.Max(kept, bits[i]);
        }
        return kept == 0 ? 31 : kept;
    }

    /// <summary>The attribute (not read by the kernel) that records the bits <see cref="NarrowMultipliers"/> kept, 31 for
    /// none, for the report.</summary>
    public const string RequantBitsAttribute = "edgetoken.requant_bits";

    /// <summary>The weight scales the rounded multipliers stand for, w_scale = multiplier · output_scale / input_scale,
    /// which the layer keeps for the QDQ export and the report: ONNX Runtime on the export then computes what the int8
    /// kernels compute (the float weights and bias differ from the calibrated ones by at most 2^-NarrowMultiplierBits).</summary>
    private static float[] EffectiveWeightScales(long[] multipliers, long[] shifts, QuantizationParameters qx, QuantizationParameters qy)
    {
        var scales = new float[multipliers.Length];
        for (int i = 0; i < scales.Length; i++)
            scales[i] = (float)(new FixedPointMultiplier((int)multipliers[i], (int)shifts[i]).Real * qy.Scale / qx.Scale);
        return scales;
    }

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
