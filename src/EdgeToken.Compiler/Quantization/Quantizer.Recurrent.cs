using EdgeToken.Compiler.Analysis;
using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Recurrent;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    /// <summary>A GRU the int8 GRU can run: float X of known rank-3 shape, constant W and R, a constant B or none, no
    /// sequence_lens, the default gate functions (sigmoid, tanh) in every direction. initial_h may be anything.</summary>
    private static bool IsEligibleGru(Node n)
    {
        if (n.OpType != "GRU") return false;
        var x = n.Input(0);
        var w = n.Input(1);
        var r = n.Input(2);
        if (x is null || x.Type != ElementType.Float32 || x.Dims is not { Length: 3 } || x.Dims[2] <= 0) return false;
        if (w?.Constant is null || w.Dims is not { Length: 3 } || r?.Constant is null || r.Dims is not { Length: 3 }) return false;
        if (n.Input(3) is { } b && b.Constant is null) return false;
        if (n.Input(4) is not null) return false;
        if (n.Attributes.Values.Keys.Any(k => k.StartsWith("edgetoken.", StringComparison.Ordinal))) return false;
        if (n.Attributes.GetStrings("activations") is { Length: > 0 } names)
            for (int i = 0; i < names.Length; i++)
                if (!string.Equals(names[i], i % 2 == 0 ? "Sigmoid" : "Tanh", StringComparison.OrdinalIgnoreCase)) return false;
        return GruOutput(n) is not null;
    }

    /// <summary>A GRU's hidden size: R is [directions, 3·hidden, hidden].</summary>
    public static int GruHidden(Node n) => n.Input(2)?.Dims is { Length: 3 } r ? r[2] : 0;

    /// <summary>The output the report measures: Y, or Y_h when Y is not used.</summary>
    private static Value? GruOutput(Node n) => n.Output(0) ?? n.Output(1);

    /// <summary>Replaces a float GRU by <c>EdgeToken.QGru</c> on the same X, B, initial_h and outputs: W and R quantized
    /// symmetrically per row (per gate unit, or per tensor) and packed (<see cref="Int8GruCell.Pack"/>), with their scales.
    /// The activations are quantized at run time, per step, so no calibrated range is needed; float stays at the boundary.</summary>
    private static QuantizedLayer RewriteGru(Graph graph, Node node, bool perChannel, int weightBits)
    {
        var w = node.Inputs[1]!;
        var r = node.Inputs[2]!;
        int dirs = w.Dims![0], gh = w.Dims[1], input = w.Dims[2], hidden = gh / 3;
        var (wq, ws) = QuantizeGruWeight(w.Constant!, dirs, hidden, input, perChannel, weightBits);
        var (rq, rs) = QuantizeGruWeight(r.Constant!, dirs, hidden, hidden, perChannel, weightBits);
        ReplaceByQGru(graph, node, hidden, wq, ws, rq, rs);

        long weights = w.Constant!.ElementCount + r.Constant!.ElementCount;
        long stored = wq.Length + rq.Length; // with the zero padding of the packed layout (gates to a multiple of 8 rows, depth of 4)
        long bias = node.Input(3)?.Constant?.ElementCount ?? 0;
        return new QuantizedLayer(node.Name, node.OpType, weights * 4, stored, (weights + bias) * 4, stored + (bias + ws.Length + rs.Length) * 4,
            MacCounter.Count(node), default, default, "")
        { OutputName = GruOutput(node)!.Name };
    }

    /// <summary>Replaces <paramref name="node"/> (a GRU) by <c>EdgeToken.QGru</c> on its X, B, initial_h and outputs, with the
    /// packed int8 W and R (<see cref="Int8GruCell.Pack"/>, per direction) and one scale per row of each. The quantizer and
    /// the import of QDQ models (<see cref="QdqFolding"/>) both build their int8 GRU here.</summary>
    internal static Node ReplaceByQGru(Graph graph, Node node, int hidden, sbyte[] wPacked, float[] wScales, sbyte[] rPacked, float[] rScales)
    {
        var x = node.Inputs[0]!;
        int dirs = wScales.Length / (3 * hidden), input = x.Dims![2];
        int rows = 3 * Int8GruCell.PaddedHidden(hidden);
        var attributes = NodeAttributes.Empty
            .With("hidden_size", AttributeValue.Of((long)hidden))
            .With("direction", AttributeValue.Of(node.Attributes.GetString("direction", "forward")))
            .With("linear_before_reset", AttributeValue.Of(node.Attributes.GetInt("linear_before_reset", 0)))
            .With("layout", AttributeValue.Of(node.Attributes.GetInt("layout", 0)));
        if (node.Attributes.Has("clip")) attributes = attributes.With("clip", AttributeValue.Of(node.Attributes.GetFloat("clip", float.PositiveInfinity)));
        Value?[] inputs =
        [
            x,
            Constant($"{node.Name}_w_int8", ElementType.Int8, [dirs, rows, Int8GruCell.PaddedDepth(input)], wPacked),
            Constant($"{node.Name}_r_int8", ElementType.Int8, [dirs, rows, Int8GruCell.PaddedDepth(hidden)], rPacked),
            node.Input(3),
            null,
            node.Input(5),
            Constant($"{node.Name}_w_scale", ElementType.Float32, [dirs, 3 * hidden], wScales),
            Constant($"{node.Name}_r_scale", ElementType.Float32, [dirs, 3 * hidden], rScales),
        ];
        var qgru = new Node($"{node.Name}_int8", QGru.OpType, attributes, inputs, node.Outputs);
        foreach (var output in node.Outputs) if (output is not null) output.Producer = qgru;
        graph.Nodes[graph.Nodes.IndexOf(node)] = qgru;
        return qgru;
    }

    /// <summary>One direction's int8 rows [3·hidden, k] of each direction packed, [dirs · PackedBytes].</summary>
    internal static sbyte[] PackGruRows(ReadOnlySpan<sbyte> rows, int dirs, int hidden, int k)
    {
        int bytes = Int8GruCell.PackedBytes(hidden, k);
        var packed = new sbyte[dirs * bytes];
        for (int d = 0; d < dirs; d++) Int8GruCell.Pack(rows.Slice(d * 3 * hidden * k, 3 * hidden * k), hidden, k, packed.AsSpan(d * bytes, bytes));
        return packed;
    }

    /// <summary>One GRU weight, [dirs, 3·hidden, k], to int8 rows with one scale each (per tensor: the one scale repeated),
    /// each direction packed.</summary>
    private static (sbyte[] Packed, float[] Scales) QuantizeGruWeight(ConstantTensor weight, int dirs, int hidden, int k, bool perChannel, int weightBits)
    {
        var all = Array.ConvertAll(weight.ToDoubleArray(), v => (float)v);
        int rows = 3 * hidden;
        var q = new sbyte[dirs * rows * k];
        var scales = new float[dirs * rows];
        for (int d = 0; d < dirs; d++)
        {
            var (values, s) = WeightQuantizer.Quantize(all.AsSpan(d * rows * k, rows * k), rows, k, perChannel, weightBits);
            values.CopyTo(q, d * rows * k);
            for (int i = 0; i < rows; i++) scales[d * rows + i] = s[perChannel ? i : 0];
        }
        return (PackGruRows(q, dirs, hidden, k), scales);
    }
}
