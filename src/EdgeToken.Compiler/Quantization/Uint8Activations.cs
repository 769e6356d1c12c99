using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Re-expresses the uint8 activations of a QDQ model (ONNX Runtime's quantizer writes uint8 activations by
/// default) as int8, the type the int8 kernels take: a uint8 tensor q with zero point z holds the same reals as the int8
/// tensor q - 128 with zero point z - 128, so changing the zero point of its QuantizeLinear and of every
/// DequantizeLinear that reads it is exact.</summary>
/// <remarks>Only for a tensor that a per-tensor QuantizeLinear produces and only per-tensor DequantizeLinear nodes read,
/// all with the same zero point, and that is not a graph output (whose type the caller sees).</remarks>
internal static class Uint8Activations
{
    public static int ToInt8(Graph graph)
    {
        var uses = graph.BuildUses();
        int retyped = 0;
        foreach (var q in graph.Nodes.ToArray())
        {
            if (q.OpType != "QuantizeLinear" || q.Output(0) is not { Type: ElementType.UInt8, IsGraphOutput: false } t) continue;
            if (q.Input(1)?.Constant is not { ElementCount: 1 } || ZeroPoint(q) is not { } z) continue;
            if (!uses.TryGetValue(t, out var readers) || readers.Count == 0) continue;
            if (readers.Any(r => r.Node.OpType != "DequantizeLinear" || r.Index != 0 || r.Node.Input(1)?.Constant is not { ElementCount: 1 } || ZeroPoint(r.Node) != z))
                continue;
            var zero = new Value($"{t.Name}_int8_zero_point")
            {
                Type = ElementType.Int8, Dims = [], Constant = ConstantTensor.FromArray(ElementType.Int8, [], new[] { (sbyte)(z - 128) }),
            };
            SetZeroPoint(q, zero);
            foreach (var (reader, _) in readers) SetZeroPoint(reader, zero);
            t.Type = ElementType.Int8;
            retyped++;
        }
        return retyped;
    }

    /// <summary>The uint8 zero point of a per-tensor QuantizeLinear/DequantizeLinear (0 when absent), or null.</summary>
    private static int? ZeroPoint(Node node)
    {
        var zp = node.Input(2);
        if (zp is null) return node.OpType == "QuantizeLinear" || node.Input(0)?.Type == ElementType.UInt8 ? 0 : null;
        return zp.Constant is { Type: ElementType.UInt8, ElementCount: 1 } c ? c.AsSpan<byte>()[0] : null;
    }

    private static void SetZeroPoint(Node node, Value zero)
    {
        while (node.Inputs.Count < 3) node.Inputs.Add(null);
        node.Inputs[2] = zero;
    }
}
