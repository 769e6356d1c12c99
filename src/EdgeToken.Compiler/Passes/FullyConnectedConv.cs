using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Passes;

/// <summary>A convolution whose kernel covers its whole unpadded input, so every output channel has one position, becomes
/// Flatten → Gemm → Reshape: it is a fully connected layer, y[n, m] = Σ w[m, c, k…] · x[n, c, k…]. Converters write
/// classifier heads this way (openWakeWord's last layer: 96 channels of 3x1 to 96 outputs; a 1x1 convolution after global
/// pooling). As a convolution, each output channel's single position fills one lane of a vector of positions; as a Gemm it
/// runs the packed matrix-vector kernels, float and int8.</summary>
public sealed class FullyConnectedConv : IGraphPass
{
    public string Name => "fully-connected-conv";

    public int Run(Graph graph)
    {
        int rewritten = 0;
        foreach (var conv in graph.Nodes.ToArray())
        {
            if (!Applies(conv)) continue;
            var x = conv.Input(0)!;
            var w = conv.Input(1)!;
            var y = conv.Output(0)!;
            int n = x.Dims![0], m = w.Dims![0], depth = (int)(w.Constant!.ElementCount / m);
            var flat = new Value(x.Name + "_fc") { Type = ElementType.Float32, Dims = [n, depth] };
            var weights = new Value(w.Name + "_fc") { Type = ElementType.Float32, Dims = [m, depth], Constant = ConstantTensor.FromArray(ElementType.Float32, [m, depth], w.Constant.AsSpan<float>().ToArray()) };
            var product = new Value(y.Name + "_fc") { Type = ElementType.Float32, Dims = [n, m] };
            // Flatten (axis 1) rather than Reshape: the quantizer passes int8 through it, so an int8 chain reaches the Gemm.
            var toMatrix = new Node(conv.Name + "_flatten", "Flatten", NodeAttributes.Empty, [x], [flat]);
            var attributes = NodeAttributes.Empty.With("transB", AttributeValue.Of(1L));
            foreach (string name in new[] { FusedActivation.AttributeName, FusedActivation.AlphaName, FusedActivation.BetaName })
                if (conv.Attributes.TryGet(name, out var value)) attributes = attributes.With(name, value);
            var gemm = new Node(conv.Name, "Gemm", attributes,
                conv.Inputs.Count > 2 && conv.Input(2) is { } bias ? [flat, weights, bias] : [flat, weights], [product]);
            var back = new Node(conv.Name + "_unflatten", "Reshape", NodeAttributes.Empty, [product, Shape(conv.Name + "_out_shape", y.Dims!)], [y]);
            flat.Producer = toMatrix;
            product.Producer = gemm;
            y.Producer = back;
            int at = graph.Nodes.IndexOf(conv);
            graph.Nodes[at] = back;
            graph.Nodes.Insert(at, gemm);
            graph.Nodes.Insert(at, toMatrix);
            rewritten++;
        }
        return rewritten;
    }

    /// <summary>An ungrouped float Conv with constant weights whose kernel equals its input's spatial size, undilated (or of
    /// size 1 where dilated), with no padding: its output is one position per channel. An activation fused into it moves
    /// to the Gemm.</summary>
    internal static bool Applies(Node conv)
    {
        if (conv.OpType != "Conv" || conv.Attributes.GetInt("group", 1) != 1) return false;
        if (conv.Input(0) is not { Type: ElementType.Float32, Dims: { Length: >= 3 } xDims } || conv.Output(0)?.Dims is not { } yDims) return false;
        if (conv.Input(1)?.Constant is not { Type: ElementType.Float32 } w || w.Dims.Length != xDims.Length || w.Dims[1] != xDims[1]) return false;
        if (conv.Attributes.GetString("auto_pad", "NOTSET") is not ("NOTSET" or "VALID")) return false;
        if (conv.Attributes.GetInts("pads") is { } pads && pads.Any(p => p != 0)) return false;
        var dilations = conv.Attributes.GetInts("dilations");
        for (int i = 2; i < xDims.Length; i++)
            if (w.Dims[i] != xDims[i] || (w.Dims[i] > 1 && dilations is not null && dilations[i - 2] != 1) || yDims[i] != 1) return false;
        return true;
    }

    private static Value Shape(string name, int[] dims)
    {
        var shape = dims.Select(d => (long)d).ToArray();
        return new Value(name) { Type = ElementType.Int64, Dims = [shape.Length], Constant = ConstantTensor.FromArray(ElementType.Int64, [shape.Length], shape) };
    }
}
