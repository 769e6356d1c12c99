using EdgeToken.Compiler.Analysis;
using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Post-training static INT8: calibrates activation ranges on the float plan, then rewrites every eligible Gemm and
/// MatMul (with a constant 2-D weight, optionally with a fused Relu or Clip) into
/// <c>QuantizeLinear → EdgeToken.QGemm → DequantizeLinear</c>. Where one quantized layer feeds the next, the next reads the
/// int8 tensor directly, so a chain of layers stays in int8 and only the float boundaries convert.</summary>
/// <remarks>Weights: symmetric int8 per output channel (or per tensor). Activations: asymmetric int8 per tensor. The bias is
/// quantized to int32 in units of x_scale · w_scale[n], with <c>-x_zero_point · Σw[n]</c> folded in. Layers with another
/// fused activation, transposed A, alpha or beta other than 1 stay in float.</remarks>
public static class Quantizer
{
    /// <summary>Quantizes <paramref name="graph"/> (shapes inferred, passes run) in place. Returns the layers it rewrote
    /// and the float outputs of those layers on the calibration samples (for <see cref="QuantizationReport"/>).</summary>
    public static (List<QuantizedLayer> Layers, Dictionary<string, List<float[]>> FloatOutputs) Quantize(
        Graph graph, IReadOnlyList<float[]> samples, QuantizeOptions? options = null)
    {
        options ??= new QuantizeOptions();
        var candidates = graph.Nodes.Where(n => !options.Exclude.Contains(n.Name) && IsEligible(n)).ToList();
        var targets = candidates.SelectMany(n => new[] { n.Inputs[0]!, n.Outputs[0]! }).Distinct().ToList();
        var seen = Calibrator.Collect(graph, targets, samples);
        var parameters = new Dictionary<Value, QuantizationParameters>();
        foreach (var (value, list) in seen)
        {
            var observer = new RangeObserver();
            foreach (var s in list) observer.Observe(s);
            var (lo, hi) = observer.Range(options.Method, options.Percentile);
            parameters[value] = QuantizationParameters.Asymmetric(lo, hi);
        }

        var int8Of = new Dictionary<Value, Value>(); // float value -> the int8 value it was dequantized from / quantized to
        var layers = new List<QuantizedLayer>();
        foreach (var node in candidates)
        {
            var x = node.Inputs[0]!;
            var y = node.Outputs[0]!;
            var qx = parameters[x];
            var qy = parameters[y];
            layers.Add(Rewrite(graph, node, x, y, qx, qy, options.PerChannelWeights, int8Of));
        }
        // Dequantizations no float reader needs any more stay until the report has measured them; the caller removes
        // them with dead-node elimination.
        graph.SortTopologically();
        return (layers, seen.Where(kv => candidates.Any(c => c.Outputs[0] == kv.Key)).ToDictionary(kv => kv.Key.Name, kv => kv.Value));
    }

    private static bool IsEligible(Node n)
    {
        if (n.OpType is not ("Gemm" or "MatMul")) return false;
        var a = n.Input(0);
        var b = n.Input(1);
        if (a is null || b is null || a.Type != ElementType.Float32 || a.Dims is not { Length: 2 } || b.Constant is null || b.Dims is not { Length: 2 }) return false;
        string act = n.Attributes.GetString(FusedActivation.AttributeName, "");
        if (act is not ("" or "Relu" or "Clip")) return false;
        if (n.OpType == "MatMul") return true;
        if (n.Attributes.GetInt("transA", 0) != 0 || n.Attributes.GetFloat("alpha", 1f) != 1f || n.Attributes.GetFloat("beta", 1f) != 1f) return false;
        var c = n.Input(2);
        return c is null || (c.Constant is not null && c.Constant.ElementCount == b.Dims[n.Attributes.GetInt("transB", 0) != 0 ? 0 : 1]);
    }

    private static QuantizedLayer Rewrite(Graph graph, Node node, Value x, Value y, QuantizationParameters qx, QuantizationParameters qy,
        bool perChannel, Dictionary<Value, Value> int8Of)
    {
        bool transB = node.OpType == "Gemm" && node.Attributes.GetInt("transB", 0) != 0;
        var b = node.Inputs[1]!;
        int k = x.Dims![1];
        int n = transB ? b.Dims![0] : b.Dims![1];
        var wf = b.Constant!.ToDoubleArray();
        var w = new float[n * k]; // as [N, K]
        for (int r = 0; r < n; r++)
            for (int c = 0; c < k; c++) w[r * k + c] = (float)(transB ? wf[r * k + c] : wf[c * n + r]);
        var (wq, ws) = WeightQuantizer.Quantize(w, n, k, perChannel);
        var biasF = node.Input(2)?.Constant?.ToDoubleArray();
        var bias = new int[n];
        var multipliers = new long[ws.Length];
        var shifts = new long[ws.Length];
        for (int i = 0; i < ws.Length; i++)
        {
            var m = FixedPointMultiplier.FromReal((double)qx.Scale * ws[i] / qy.Scale);
            multipliers[i] = m.Multiplier;
            shifts[i] = m.Shift;
        }
        for (int r = 0; r < n; r++)
        {
            double unit = (double)qx.Scale * ws[perChannel ? r : 0];
            long q = biasF is null ? 0 : (long)Math.Round(biasF[r] / unit, MidpointRounding.AwayFromZero);
            bias[r] = (int)Math.Clamp(q, int.MinValue / 2, int.MaxValue / 2);
        }
        var folded = Int8Conv.FoldZeroPoint(bias, wq, n, qx.ZeroPoint);

        var (min, max) = (sbyte.MinValue, sbyte.MaxValue);
        string act = node.Attributes.GetString(FusedActivation.AttributeName, "");
        (int Min, int Max) clamp = act switch
        {
            "Relu" => Int8Clamp.Relu(qy.ZeroPoint),
            "Clip" => Int8Clamp.Clip(node.Attributes.GetFloat(FusedActivation.AlphaName, float.MinValue), node.Attributes.GetFloat(FusedActivation.BetaName, float.MaxValue), qy.Scale, qy.ZeroPoint),
            _ => (min, max),
        };

        string name = node.Name;
        if (!int8Of.TryGetValue(x, out var xq))
        {
            xq = Tensor($"{x.Name}_int8", ElementType.Int8, x.Dims!);
            AddNode(graph, $"{name}_quantize", "QuantizeLinear", NodeAttributes.Empty,
                [x, Scalar($"{x.Name}_scale", qx.Scale), Int8Scalar($"{x.Name}_zero_point", qx.ZeroPoint)], xq);
            int8Of[x] = xq;
        }
        var yq = Tensor($"{y.Name}_int8", ElementType.Int8, y.Dims!);
        var attributes = NodeAttributes.Empty
            .With("multipliers", AttributeValue.Of(multipliers))
            .With("shifts", AttributeValue.Of(shifts))
            .With("output_zero_point", AttributeValue.Of((long)qy.ZeroPoint))
            .With("min", AttributeValue.Of((long)clamp.Min))
            .With("max", AttributeValue.Of((long)clamp.Max))
            // Not read by the kernel: what QdqExporter needs to write the layer back as float ops between Q/DQ pairs.
            .With(QdqExporter.InputScale, AttributeValue.Of(qx.Scale))
            .With(QdqExporter.InputZeroPoint, AttributeValue.Of((long)qx.ZeroPoint))
            .With(QdqExporter.WeightScales, AttributeValue.Of(ws))
            .With(QdqExporter.OutputScale, AttributeValue.Of(qy.Scale))
            .With(FusedActivation.AttributeName, AttributeValue.Of(act))
            .With(FusedActivation.AlphaName, AttributeValue.Of(node.Attributes.GetFloat(FusedActivation.AlphaName, 0f)))
            .With(FusedActivation.BetaName, AttributeValue.Of(node.Attributes.GetFloat(FusedActivation.BetaName, 0f)));
        AddNode(graph, $"{name}_int8", QGemm.OpType, attributes,
            [xq, Constant($"{b.Name}_int8", ElementType.Int8, [n, k], wq), Constant($"{name}_bias_int32", ElementType.Int32, [n], folded)], yq);
        graph.Nodes.Remove(node);
        var dq = AddNode(graph, $"{name}_dequantize", "DequantizeLinear", NodeAttributes.Empty,
            [yq, Scalar($"{y.Name}_scale", qy.Scale), Int8Scalar($"{y.Name}_zero_point", qy.ZeroPoint)], y);
        y.Producer = dq;
        int8Of[y] = yq;

        long floatBytes = (long)n * k * 4 + (biasF is null ? 0 : n * 4);
        long int8Bytes = (long)n * k + n * 4 + ws.Length * 8;
        return new QuantizedLayer(name, node.OpType, (long)n * k * 4, (long)n * k, floatBytes, int8Bytes, MacCounter.Count(node), qx, qy, act);
    }

    private static Value Tensor(string name, ElementType type, int[] dims) => new(name) { Type = type, Dims = dims };

    private static Value Constant<T>(string name, ElementType type, int[] dims, T[] values) where T : unmanaged =>
        new(name) { Type = type, Dims = dims, Constant = ConstantTensor.FromArray(type, dims, values) };

    private static Value Scalar(string name, float v) => Constant(name, ElementType.Float32, [], new[] { v });

    private static Value Int8Scalar(string name, int v) => Constant(name, ElementType.Int8, [], new[] { (sbyte)v });

    private static Node AddNode(Graph graph, string name, string opType, NodeAttributes attributes, Value[] inputs, Value output)
    {
        var node = new Node(name, opType, attributes, inputs, [output]);
        output.Producer = node;
        graph.Nodes.Add(node);
        return node;
    }
}
