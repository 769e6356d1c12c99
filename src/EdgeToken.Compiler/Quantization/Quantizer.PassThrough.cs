using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    /// <summary>Operators that give the same result on int8 as on float between a dequantize and a quantize with the same
    /// parameters (they only select or move values), so they run on the int8 tensor and keep its scale and zero point:
    /// MaxPool, and the shape-only views that exporters put between layers (PyTorch's <c>view</c> as Reshape or Flatten,
    /// TensorFlow's Conv1D as Unsqueeze → Conv → Squeeze). Their data is input 0; any other input (a shape, axes) is a
    /// constant they keep.</summary>
    private static readonly string[] PassThrough = ["MaxPool", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity"];

    /// <summary><paramref name="op"/>'s inputs with its data (input 0) replaced by <paramref name="int8"/>.</summary>
    internal static Value?[] PassThroughInputs(Node op, Value int8) => [int8, .. op.Inputs.Skip(1)];

    /// <summary>Whether <paramref name="opType"/> only selects or moves values (see <see cref="PassThrough"/>).</summary>
    internal static bool IsPassThrough(string opType) => Array.IndexOf(PassThrough, opType) >= 0;

    /// <summary>When <paramref name="x"/> (a quantized layer's input) comes from a <see cref="PassThrough"/> operator of a
    /// tensor that is int8 already (directly, through more of them or through a lookup chain), adds the same operator on the int8 tensor,
    /// so the chain stays int8 instead of dequantizing, pooling in float and quantizing again. x then takes its source's
    /// parameters. A GlobalAveragePool in the chain becomes <c>EdgeToken.QGlobalAveragePool</c>, which requantizes to its
    /// output's own calibrated parameters (<see cref="AveragePoolOutputs"/>).</summary>
    private static bool TryPassThrough(Graph graph, Value x, QuantizationParameters? wanted, Dictionary<Value, Value> int8Of,
        Dictionary<Value, QuantizationParameters> parameters)
    {
        if (x.Producer is not { } op || op.Input(0) is not { } source) return false;
        bool average = op.OpType == "GlobalAveragePool";
        if (!average && Array.IndexOf(PassThrough, op.OpType) < 0) return false;
        if (op.Outputs.Count(o => o is not null) != 1 || op.Outputs[0] != x) return false; // MaxPool's indices
        if (average && (!parameters.ContainsKey(x) || source.Dims is not { Length: >= 3 } || x.Dims is null)) return false;
        // A lookup chain under a pass-through operator produces values the pass-through only selects from, so x's own
        // (calibrated) parameters suit the lookup's output; under a mean they do not (its range is narrower).
        var handed = average ? null : wanted ?? (parameters.TryGetValue(x, out var own) ? own : null);
        if (!TryInt8(graph, source, handed, int8Of, parameters)) return false;
        var xq = Tensor($"{x.Name}_int8", ElementType.Int8, x.Dims!);
        if (average) return TryAveragePool(graph, op, source, x, xq, int8Of, parameters);
        AddNode(graph, $"{op.Name}_int8", op.OpType, op.Attributes, PassThroughInputs(op, int8Of[source]), xq);
        int8Of[x] = xq;
        parameters[x] = parameters[source];
        return true;
    }

    /// <summary>The outputs of the GlobalAveragePool nodes, calibrated with the layers' inputs and outputs so that a pool
    /// between int8 layers can stay int8 with its own output range (a mean's range is narrower than its input's).</summary>
    private static IEnumerable<Value> AveragePoolOutputs(Graph graph) =>
        graph.Nodes.Where(n => n.OpType == "GlobalAveragePool" && n.Output(0) is not null).Select(n => n.Output(0)!);

    private static bool TryAveragePool(Graph graph, Node op, Value source, Value x, Value xq, Dictionary<Value, Value> int8Of,
        Dictionary<Value, QuantizationParameters> parameters)
    {
        var qs = parameters[source];
        var qx = parameters[x];
        var dims = source.Dims!;
        long plane = 1;
        for (int i = 2; i < dims.Length; i++) plane *= dims[i];
        if (plane is <= 0 or > Int8GlobalAveragePool.MaxPlane) return false;
        graph.Nodes.Add(CreateAveragePoolNode($"{op.Name}_int8", int8Of[source], xq, qs, qx, (int)plane));
        int8Of[x] = xq;
        return true;
    }

    /// <summary>An <c>EdgeToken.QGlobalAveragePool</c> node (not yet in a graph) from <paramref name="xq"/> to
    /// <paramref name="yq"/> over planes of <paramref name="plane"/> values. The quantizer and the import of QDQ models
    /// (<see cref="QdqFolding"/>) both build it here.</summary>
    internal static Node CreateAveragePoolNode(string name, Value xq, Value yq, QuantizationParameters qx, QuantizationParameters qy, int plane)
    {
        var scale = Int8GlobalAveragePool.Multiplier(qx.Scale, qy.Scale, plane);
        var attributes = NodeAttributes.Empty
            .With("multiplier", AttributeValue.Of((long)scale.Multiplier))
            .With("shift", AttributeValue.Of((long)scale.Shift))
            .With("input_zero_point", AttributeValue.Of((long)qx.ZeroPoint))
            .With("output_zero_point", AttributeValue.Of((long)qy.ZeroPoint))
            // Not read by the kernel: what QdqExporter needs to write DequantizeLinear -> GlobalAveragePool -> QuantizeLinear.
            .With(QdqExporter.InputScale, AttributeValue.Of(qx.Scale))
            .With(QdqExporter.OutputScale, AttributeValue.Of(qy.Scale));
        var node = new Node(name, QGlobalAveragePool.OpType, attributes, [xq], [yq]);
        yq.Producer = node;
        return node;
    }
}
