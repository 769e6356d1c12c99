using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    /// <summary>A 1-D or 2-D Conv with a constant weight (and bias, if any) on a float input of known shape.</summary>
    private static bool IsEligibleConv(Node n, bool anyActivation = false)
    {
        if (n.OpType != "Conv") return false;
        var x = n.Input(0);
        var w = n.Input(1);
        if (x is null || w is null || x.Type != ElementType.Float32 || x.Dims is not { Length: 3 or 4 } || w.Constant is null
            || w.Dims is null || w.Dims.Length != x.Dims.Length || n.Output(0)?.Dims is null) return false;
        var bias = n.Input(2);
        return (anyActivation || HasInt8Activation(n)) && (bias is null || (bias.Constant is not null && bias.Constant.ElementCount == w.Dims[0]));
    }

    private static QuantizedLayer RewriteConv(Graph graph, Node node, QuantizationParameters qx, QuantizationParameters qy,
        bool perChannel, int weightBits, Dictionary<Value, Value> int8Of)
    {
        var w = node.Inputs[1]!;
        int m = w.Dims![0];
        int k = (int)(w.Constant!.ElementCount / m); // [M, C/group, kernel...] is already one row per output channel
        var rows = Array.ConvertAll(w.Constant.ToDoubleArray(), v => (float)v);
        var layer = new LayerWeights(rows, m, k, w.Dims, node.Input(2)?.Constant?.ToDoubleArray(), QConv.OpType, ConvGeometry(node, node.Inputs[0]!.Dims!, w.Dims, qx.ZeroPoint));
        return RewriteLayer(graph, node, layer, qx, qy, perChannel, weightBits, int8Of);
    }

    /// <summary>The float Conv's geometry as <c>EdgeToken.QConv</c> attributes: group, strides, dilations, explicit pads,
    /// and the input zero point the padding holds.</summary>
    internal static NodeAttributes ConvGeometry(Node conv, int[] x, int[] w, int inputZeroPoint) =>
        NodeAttributes.Empty
            .With("group", AttributeValue.Of(conv.Attributes.GetInt("group", 1)))
            .With("strides", AttributeValue.Of(Ints(conv, x.Length - 2, "strides", 1)))
            .With("dilations", AttributeValue.Of(Ints(conv, x.Length - 2, "dilations", 1)))
            .With("pads", AttributeValue.Of(Pads(conv, x, w)))
            .With("input_zero_point", AttributeValue.Of((long)inputZeroPoint));

    private static long[] Ints(Node node, int r, string name, long fill)
    {
        if (node.Attributes.GetInts(name) is { } v) return v;
        var d = new long[r];
        Array.Fill(d, fill);
        return d;
    }

    /// <summary>Explicit pads [begins..., ends...], with auto_pad resolved as ONNX defines it (SAME_UPPER puts the odd
    /// one at the end, SAME_LOWER at the start).</summary>
    private static long[] Pads(Node node, int[] x, int[] w)
    {
        int r = x.Length - 2;
        string autoPad = node.Attributes.GetString("auto_pad", "NOTSET");
        if (autoPad == "NOTSET") return node.Attributes.GetInts("pads") ?? new long[2 * r];
        var pads = new long[2 * r];
        if (autoPad == "VALID") return pads;
        var strides = Ints(node, r, "strides", 1);
        var dilations = Ints(node, r, "dilations", 1);
        for (int d = 0; d < r; d++)
        {
            long size = x[2 + d], stride = strides[d], span = (w[2 + d] - 1) * dilations[d] + 1;
            long output = (size + stride - 1) / stride;
            long total = Math.Max(0, (output - 1) * stride + span - size);
            long half = total / 2;
            pads[d] = autoPad == "SAME_UPPER" ? half : total - half;
            pads[r + d] = total - pads[d];
        }
        return pads;
    }
}
