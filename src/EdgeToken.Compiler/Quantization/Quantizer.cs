using EdgeToken.Compiler.Analysis;
using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Post-training static INT8: calibrates activation ranges on the float plan, then rewrites every eligible Gemm and
/// MatMul (with a constant 2-D weight) and Conv (1-D or 2-D, with a constant weight), optionally with a fused Relu or
/// Clip, into <c>QuantizeLinear → EdgeToken.QGemm/QConv → DequantizeLinear</c>. Where one quantized layer feeds the next, the next reads the
/// int8 tensor directly, also through a MaxPool, a view (Flatten, Reshape, Squeeze, Unsqueeze, Identity) or a
/// GlobalAveragePool (<c>EdgeToken.QGlobalAveragePool</c>) between
/// them and through chains of element-wise ops, which become one <c>EdgeToken.QLookup</c> table, and where branches meet
/// (Add, Mul, Concat: <c>EdgeToken.QAdd/QMul/QConcat</c>, <see cref="TryMerge"/>), so a chain of layers stays
/// in int8 and only the float boundaries convert. A GRU with constant weights that <see cref="QuantizeOptions.Recurrent"/> selects (by
/// default <see cref="RecurrentCostModel"/>: the ones expected to run faster in int8) becomes <c>EdgeToken.QGru</c> (int8 weights, activations quantized per step at run time).</summary>
/// <remarks>Weights: symmetric int8 per output channel (or per tensor). Activations: asymmetric int8 per tensor. The bias is
/// quantized to int32 in units of x_scale · w_scale[n], with <c>-x_zero_point · Σw[n]</c> folded in. A layer with another
/// fused activation is split into the layer and the activation first (<see cref="SplitActivations"/>). Layers with
/// transposed A, alpha or beta other than 1 stay in float.</remarks>
public static partial class Quantizer
{
    /// <summary>Quantizes <paramref name="graph"/> (shapes inferred, passes run) in place. Returns the layers it rewrote
    /// and the float outputs of those layers on the calibration samples (for <see cref="QuantizationReport"/>).</summary>
    public static (List<QuantizedLayer> Layers, Dictionary<string, List<float[]>> FloatOutputs) Quantize(
        Graph graph, IReadOnlyList<float[]> samples, QuantizeOptions? options = null)
    {
        options ??= new QuantizeOptions();
        if (options.WeightBits is not (7 or 8)) throw new ArgumentException($"weight bits are 8 or 7, not {options.WeightBits}", nameof(options));
        SplitActivations(graph, options);
        var candidates = graph.Nodes.Where(n => !options.Exclude.Contains(n.Name) && (IsEligibleGemm(n) || IsEligibleConv(n))).ToList();
        var grus = graph.Nodes.Where(n => !options.Exclude.Contains(n.Name) && IsEligibleGru(n)
            && (options.Recurrent ?? RecurrentCostModel.Int8Pays(GruHidden(n)))).ToList();
        var targets = candidates.SelectMany(n => new[] { n.Inputs[0]!, n.Outputs[0]! }).Concat(AveragePoolOutputs(graph)).Concat(MergeValues(graph))
            .Concat(grus.Select(n => GruOutput(n)!)).Distinct().ToList();
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
            TryInt8(graph, x, null, int8Of, parameters);
            var qx = parameters[x];
            var qy = parameters[y];
            layers.Add(node.OpType == "Conv"
                ? RewriteConv(graph, node, qx, qy, options.PerChannelWeights, options.WeightBits, int8Of)
                : RewriteGemm(graph, node, qx, qy, options.PerChannelWeights, options.WeightBits, int8Of));
        }
        // A GRU quantizes its activations itself, per step: float in, float out, nothing calibrated.
        foreach (var node in grus) layers.Add(RewriteGru(graph, node, options.PerChannelWeights, options.WeightBits));
        // Dequantizations no float reader needs any more stay until the report has measured them; the caller removes
        // them with dead-node elimination.
        graph.SortTopologically();
        return (layers, seen.Where(kv => candidates.Any(c => c.Outputs[0] == kv.Key) || grus.Any(g => GruOutput(g) == kv.Key)).ToDictionary(kv => kv.Key.Name, kv => kv.Value));
    }

    private static Value Tensor(string name, ElementType type, int[] dims) => new(name) { Type = type, Dims = dims };

    private static Value Constant<T>(string name, ElementType type, int[] dims, T[] values) where T : unmanaged =>
        new(name) { Type = type, Dims = dims, Constant = ConstantTensor.FromArray(type, dims, values) };

    private static Value Scalar(string name, float v) => Constant(name, ElementType.Float32, [], new[] { v });

    private static Value Int8Scalar(string name, int v) => Constant(name, ElementType.Int8, [], new[] { (sbyte)v });

    private static Node AddNode(Graph graph, string name, string opType, NodeAttributes attributes, Value?[] inputs, Value output)
    {
        var node = new Node(name, opType, attributes, inputs, [output]);
        output.Producer = node;
        graph.Nodes.Add(node);
        return node;
    }
}
