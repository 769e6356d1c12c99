using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    /// <summary>Operators that give the same result on int8 as on float between a dequantize and a quantize with the same
    /// parameters (they only select or move values), so they run on the int8 tensor and keep its scale and zero point.</summary>
    private static readonly string[] PassThrough = ["MaxPool", "Flatten"];

    /// <summary>When <paramref name="x"/> (a quantized layer's input) comes from a MaxPool or Flatten of a tensor that is
    /// int8 already (directly, through more of them or through a lookup chain), adds the same operator on the int8 tensor, so the chain stays
    /// int8 instead of dequantizing, pooling in float and quantizing again. x then takes its source's parameters.</summary>
    private static bool TryPassThrough(Graph graph, Value x, QuantizationParameters? wanted, Dictionary<Value, Value> int8Of,
        Dictionary<Value, QuantizationParameters> parameters)
    {
        if (x.Producer is not { } op || Array.IndexOf(PassThrough, op.OpType) < 0 || op.Input(0) is not { } source) return false;
        if (op.Outputs.Count(o => o is not null) != 1 || op.Outputs[0] != x) return false; // MaxPool's indices
        // A lookup chain under the pass-through produces values the pass-through only selects from, so x's own
        // (calibrated) parameters suit the lookup's output.
        if (!TryInt8(graph, source, wanted ?? (parameters.TryGetValue(x, out var own) ? own : null), int8Of, parameters)) return false;
        var xq = Tensor($"{x.Name}_int8", ElementType.Int8, x.Dims!);
        AddNode(graph, $"{op.Name}_int8", op.OpType, op.Attributes, [int8Of[source]], xq);
        int8Of[x] = xq;
        parameters[x] = parameters[source];
        return true;
    }
}
