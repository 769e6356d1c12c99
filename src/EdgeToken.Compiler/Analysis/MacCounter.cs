using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Analysis;

/// <summary>Multiply-accumulate counts per node, from static shapes: the figure edge toolchains quote for
/// how much work one inference is. Element-wise operators count zero.</summary>
public static class MacCounter
{
    public static long Count(Node node)
    {
        // A recurrent node's count needs no output (its Y is often unused: only Y_h is read).
        if (node.OpType is "LSTM" or "GRU" or "RNN") return Recurrent(node);
        var y = node.Output(0)?.Dims;
        if (y is null) return 0;
        long outElems = Shape.ElementCount(y);
        switch (node.OpType)
        {
            case "Conv":
            {
                var w = node.Input(1)?.Dims;
                if (w is null) return 0;
                return outElems * Shape.ElementCount(w.AsSpan(1)); // (C/group) · kernel per output element
            }
            case "ConvTranspose":
            {
                var x = node.Input(0)?.Dims;
                var w = node.Input(1)?.Dims;
                if (x is null || w is null) return 0;
                return Shape.ElementCount(x) * Shape.ElementCount(w.AsSpan(1));
            }
            case "Gemm":
            {
                var a = node.Input(0)?.Dims;
                if (a is null) return 0;
                long k = node.Attributes.GetInt("transA", 0) != 0 ? a[0] : a[^1];
                return outElems * k;
            }
            case "MatMul":
            case "MatMulInteger":
            case "QLinearMatMul":
            {
                var a = node.Input(0)?.Dims;
                if (a is null || a.Length == 0) return 0;
                return outElems * a[^1];
            }
            default:
                return 0;
        }
    }

    private static long Recurrent(Node node)
    {
        var x = node.Input(0)?.Dims;
        var w = node.Input(1)?.Dims;
        var r = node.Input(2)?.Dims;
        if (x is null || w is null || r is null) return 0;
        bool batchFirst = node.Attributes.GetInt("layout", 0) != 0;
        long steps = batchFirst ? x[1] : x[0], batch = batchFirst ? x[0] : x[1];
        // W: [dirs, gates·H, I], R: [dirs, gates·H, H]: per step and batch row, one product with each.
        return steps * batch * (Shape.ElementCount(w) + Shape.ElementCount(r));
    }

    public static long Total(Graph graph) => graph.Nodes.Sum(Count);
}
