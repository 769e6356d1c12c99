using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Passes;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>QLinearConv (1-D or 2-D) and QLinearMatMul (2-D) with int8 x and y (per-tensor scale and zero point) and a
/// constant int8 weight with zero points 0 (per tensor, or per output channel) become <c>EdgeToken.QConv</c> /
/// <c>EdgeToken.QGemm</c>, so they run on the int8 GEMM paths instead of the generic integer kernels. Other type
/// combinations (uint8, asymmetric weights, weights computed at run time) stay the ONNX operators.</summary>
/// <remarks>Inputs of both: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point (QLinearConv: then
/// an int32 bias, whose scale ONNX defines as x_scale · w_scale, the unit QConv's bias has). The requantization rounds
/// halves away from zero where the ONNX definition rounds them to even: within one step.</remarks>
internal static class QLinearFolding
{
    public static bool TryFold(Graph graph, Node node)
    {
        bool conv = node.OpType == "QLinearConv";
        if (node.Input(0) is not { Type: ElementType.Int8, IsConstant: false, Dims: { } xd } x) return false;
        if (node.Output(0) is not { Type: ElementType.Int8, Dims: not null } y) return false;
        if (node.Input(3)?.Constant is not { Type: ElementType.Int8 } wc) return false;
        if (QdqFolding.Parameters(node.Input(1), node.Input(2)) is not { } qx || QdqFolding.Parameters(node.Input(6), node.Input(7)) is not { } qy)
            return false;
        if (conv ? xd.Length is not (3 or 4) || wc.Dims.Length != xd.Length : xd.Length != 2 || wc.Dims.Length != 2) return false;
        int channelAxis = conv ? 0 : 1;
        int n = wc.Dims[channelAxis];
        if (GraphRewrites.Floats(node.Input(4)) is not { } ws || (ws.Length != 1 && ws.Length != n) || ws.Any(s => !(s > 0))) return false;
        if (node.Input(5)?.Constant is not { Type: ElementType.Int8 } zw || zw.AsSpan<sbyte>().IndexOfAnyExcept((sbyte)0) >= 0) return false;
        var bias = new int[n];
        if (conv && node.Input(8) is { } b)
        {
            if (b.Constant is not { Type: ElementType.Int32 } bc || bc.ElementCount != n) return false;
            bc.AsSpan<int>().CopyTo(bias);
        }

        int[] rowDims = conv ? wc.Dims : [n, wc.Dims[0]];
        var w = new Value($"{node.Input(3)!.Name}_rows") { Type = ElementType.Int8, Dims = rowDims };
        w.Constant = ConstantTensor.FromArray(ElementType.Int8, rowDims, QdqFolding.WeightRows(wc, transpose: !conv));
        var geometry = conv ? Quantizer.ConvGeometry(node, xd, wc.Dims, qx.ZeroPoint) : NodeAttributes.Empty;
        var int8 = Quantizer.CreateInt8Node($"{node.Name}_int8", conv ? QConv.OpType : QGemm.OpType, geometry, x, y, w, bias, ws, qx, qy,
            new FusedActivation("", 0f, 0f), imported: true);
        graph.Nodes.Remove(node);
        graph.Nodes.Add(int8);
        return true;
    }
}
