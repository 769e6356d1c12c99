using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Re-expresses the uint8 activations of a QDQ model (ONNX Runtime's quantizer writes uint8 activations by
/// default) as int8, the type the int8 kernels take: a uint8 tensor q with zero point z holds the same reals as the int8
/// tensor q - 128 with zero point z - 128, so changing the zero point of its QuantizeLinear and of every
/// DequantizeLinear that reads it is exact.</summary>
/// <remarks>Only for a tensor that a per-tensor QuantizeLinear produces and only per-tensor DequantizeLinear nodes read
/// (directly or through MaxPool and the views of Quantizer.PassThrough), all with the same zero point, and that is not a graph output (whose type the
/// caller sees).</remarks>
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
            if (Closure(uses, t, z) is not var (tensors, dequantizers)) continue;
            var zero = new Value($"{t.Name}_int8_zero_point")
            {
                Type = ElementType.Int8, Dims = [], Constant = ConstantTensor.FromArray(ElementType.Int8, [], new[] { (sbyte)(z - 128) }),
            };
            SetZeroPoint(q, zero);
            foreach (var reader in dequantizers) SetZeroPoint(reader, zero);
            foreach (var v in tensors) v.Type = ElementType.Int8;
            retyped++;
        }
        return retyped;
    }

    /// <summary>t and the outputs of the pass-through nodes (MaxPool, the views) it flows through (they select or move values, so they
    /// run the same on int8), when every path ends in per-tensor DequantizeLinear nodes with zero point z; else null.</summary>
    private static (List<Value> Tensors, List<Node> Dequantizers)? Closure(Dictionary<Value, List<(Node Node, int Index)>> uses, Value t, int z)
    {
        var tensors = new List<Value> { t };
        var dequantizers = new List<Node>();
        for (int i = 0; i < tensors.Count; i++)
        {
            var v = tensors[i];
            if (v.IsGraphOutput || !uses.TryGetValue(v, out var readers) || readers.Count == 0) return null;
            foreach (var (reader, index) in readers)
            {
                if (index != 0) return null;
                if (reader.OpType == "DequantizeLinear" && reader.Input(1)?.Constant is { ElementCount: 1 } && ZeroPoint(reader) == z)
                    dequantizers.Add(reader);
                else if (Quantizer.IsPassThrough(reader.OpType) && reader.Outputs.Count(o => o is not null) == 1 && reader.Outputs[0] is { } next)
                    tensors.Add(next);
                else return null;
            }
        }
        return (tensors, dequantizers);
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
