using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    /// <summary>Where branches meet: an Add or Mul of two tensors that both have the output's shape (a residual
    /// connection, a gate), or a Concat of tensors (parallel branches). Their inputs and outputs are calibrated too, so
    /// they can run int8 between int8 layers (<see cref="TryMerge"/>).</summary>
    private static bool IsMerge(Node n)
    {
        if (n.Output(0) is not { Dims: { } dims } || n.Inputs.Count == 0 || n.Inputs.Any(v => v is not { Constant: null, Dims: not null, Type: ElementType.Float32 }))
            return false;
        return n.OpType switch
        {
            "Add" or "Mul" => n.Inputs.Count == 2 && n.Inputs.All(v => v!.Dims!.AsSpan().SequenceEqual(dims)),
            "Concat" => n.Attributes.Has("axis"),
            _ => false,
        };
    }

    private static IEnumerable<Value> MergeValues(Graph graph) =>
        graph.Nodes.Where(IsMerge).SelectMany(n => n.Inputs.Select(v => v!).Append(n.Output(0)!));

    /// <summary>When <paramref name="x"/> comes from a merge (<see cref="IsMerge"/>) with at least one int8 input (a
    /// quantized layer's output, directly or through pass-through operators and lookup chains), adds its int8 form,
    /// <c>EdgeToken.QAdd</c>, <c>EdgeToken.QMul</c> or <c>EdgeToken.QConcat</c>, which requantizes each input to x's
    /// calibrated parameters (a Concat input that already has them is copied). A float input is quantized once to its own
    /// calibrated parameters. The float merge stays for any float reader until dead-node elimination.</summary>
    private static bool TryMerge(Graph graph, Value x, Dictionary<Value, Value> int8Of, Dictionary<Value, QuantizationParameters> parameters)
    {
        if (x.Producer is not { } op || op.Output(0) != x || !IsMerge(op) || !parameters.TryGetValue(x, out var qy)) return false;
        var inputs = op.Inputs.Select(v => v!).ToArray();
        // Every input is tried (no short cut): one found int8 later must not be quantized again from its float form.
        var int8 = inputs.Select(v => TryInt8(graph, v, null, int8Of, parameters)).ToArray();
        if (!int8.Any(b => b)) return false;
        var xs = inputs.Select((v, i) => Int8Input(graph, $"{op.Name}_input{i}", v, parameters[v], int8Of)).ToArray();
        var xq = Tensor($"{x.Name}_int8", ElementType.Int8, x.Dims!);
        graph.Nodes.Add(CreateMergeNode($"{op.Name}_int8", op, xs, inputs.Select(v => parameters[v]).ToArray(), xq, qy));
        int8Of[x] = xq;
        return true;
    }

    /// <summary>The int8 form of the Add, Mul or Concat <paramref name="op"/> (not yet in a graph) from the int8 inputs
    /// <paramref name="xs"/> with parameters <paramref name="qx"/> to <paramref name="yq"/> with <paramref name="qy"/>. The
    /// quantizer and the import of QDQ models both build their merges here.</summary>
    internal static Node CreateMergeNode(string name, Node op, Value[] xs, QuantizationParameters[] qx, Value yq, QuantizationParameters qy)
    {
        string opType = op.OpType switch { "Add" => QMerge.AddOpType, "Mul" => QMerge.MulOpType, _ => QMerge.ConcatOpType };
        var attributes = NodeAttributes.Empty
            .With(QMerge.InputScales, AttributeValue.Of(qx.Select(p => p.Scale).ToArray()))
            .With(QMerge.InputZeroPoints, AttributeValue.Of(qx.Select(p => (long)p.ZeroPoint).ToArray()))
            .With(QMerge.OutputScale, AttributeValue.Of(qy.Scale))
            .With(QMerge.OutputZeroPoint, AttributeValue.Of((long)qy.ZeroPoint));
        if (op.OpType == "Concat") attributes = attributes.With("axis", AttributeValue.Of(op.Attributes.GetInt("axis", 0)));
        var node = new Node(name, opType, attributes, xs, [yq]);
        yq.Producer = node;
        return node;
    }
}
