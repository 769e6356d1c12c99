using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    /// <summary>A QLookup's notes for the QDQ export and the report (the kernel reads only the table): the float operators
    /// in order, their alphas and betas, and whether a binary operator's constant comes first (<see cref="LookupStep"/>).</summary>
    public const string LookupOps = "edgetoken.lookup_ops";
    public const string LookupAlphas = "edgetoken.lookup_alphas";
    public const string LookupBetas = "edgetoken.lookup_betas";
    public const string LookupConstantFirst = "edgetoken.lookup_constant_first";

    /// <summary>Whether <paramref name="v"/> can be read as int8: it is already, or a pass-through or lookup chain makes it
    /// so. <paramref name="wanted"/> are the parameters for a lookup's output when <paramref name="v"/> was not calibrated
    /// itself (a MaxPool over a lookup hands down its own).</summary>
    private static bool TryInt8(Graph graph, Value v, QuantizationParameters? wanted, Dictionary<Value, Value> int8Of,
        Dictionary<Value, QuantizationParameters> parameters) =>
        int8Of.ContainsKey(v) || TryPassThrough(graph, v, wanted, int8Of, parameters) || TryLookup(graph, v, wanted, int8Of, parameters)
        || TryMerge(graph, v, int8Of, parameters);

    /// <summary>When <paramref name="x"/> comes from a chain of element-wise float operators (<see cref="LookupStep"/>)
    /// whose source is int8 (directly or through pass-through operators), adds one <c>EdgeToken.QLookup</c> from that
    /// int8 source to an int8 x whose table composes the whole chain in double. x keeps its calibrated parameters (or
    /// takes <paramref name="wanted"/>); the float chain stays for any float reader until dead-node elimination.</summary>
    private static bool TryLookup(Graph graph, Value x, QuantizationParameters? wanted, Dictionary<Value, Value> int8Of,
        Dictionary<Value, QuantizationParameters> parameters)
    {
        if (x.Dims is null || (parameters.TryGetValue(x, out var calibrated) ? calibrated : wanted) is not { } qy) return false;
        var steps = new List<LookupStep>();
        var current = x;
        while (LookupStep.TryParse(current.Producer, graph.Opset, out var step, out var source))
        {
            steps.Insert(0, step);
            current = source;
            if (!TryInt8(graph, current, null, int8Of, parameters)) continue;
            var xq = Tensor($"{x.Name}_int8", ElementType.Int8, x.Dims);
            graph.Nodes.Add(CreateLookupNode($"{x.Producer!.Name}_lookup", steps, int8Of[current], parameters[current], xq, qy));
            int8Of[x] = xq;
            parameters[x] = qy;
            return true;
        }
        return false;
    }

    /// <summary>An <c>EdgeToken.QLookup</c> (not yet in a graph) from <paramref name="xq"/> to <paramref name="yq"/> whose
    /// table composes <paramref name="steps"/> in double. The quantizer and the import of QDQ models both build their
    /// lookups here.</summary>
    internal static Node CreateLookupNode(string name, IReadOnlyList<LookupStep> steps, Value xq, QuantizationParameters qx, Value yq, QuantizationParameters qy)
    {
        var table = new Int8Lookup(v =>
        {
            foreach (var s in steps) v = s.Apply(v);
            return v;
        }, qx.Scale, qx.ZeroPoint, qy.Scale, qy.ZeroPoint);
        var attributes = NodeAttributes.Empty
            .With(LookupOps, AttributeValue.Of(steps.Select(s => s.Op).ToArray()))
            .With(LookupAlphas, AttributeValue.Of(steps.Select(s => s.Alpha).ToArray()))
            .With(LookupBetas, AttributeValue.Of(steps.Select(s => s.Beta).ToArray()))
            .With(LookupConstantFirst, AttributeValue.Of(steps.Select(s => s.ConstantFirst ? 1L : 0L).ToArray()))
            .With(QdqExporter.InputScale, AttributeValue.Of(qx.Scale))
            .With(QdqExporter.InputZeroPoint, AttributeValue.Of((long)qx.ZeroPoint))
            .With(QdqExporter.OutputScale, AttributeValue.Of(qy.Scale))
            .With(QdqExporter.OutputZeroPoint, AttributeValue.Of((long)qy.ZeroPoint));
        var node = new Node(name, QLookup.OpType, attributes, [xq, Constant($"{yq.Name}_table", ElementType.Int8, [256], table.Table.ToArray())], [yq]);
        yq.Producer = node;
        return node;
    }

    /// <summary>The steps a QLookup node's attributes describe, in order.</summary>
    internal static LookupStep[] LookupSteps(Node node)
    {
        var a = node.Attributes;
        string[] ops = a.GetStrings(LookupOps) ?? throw new CompileException($"{node}: no lookup steps to export");
        float[] alphas = a.GetFloats(LookupAlphas) ?? new float[ops.Length];
        float[] betas = a.GetFloats(LookupBetas) ?? new float[ops.Length];
        long[] first = a.GetInts(LookupConstantFirst) ?? new long[ops.Length];
        if (alphas.Length != ops.Length || betas.Length != ops.Length || first.Length != ops.Length)
            throw new CompileException($"{node}: {ops.Length} lookup steps but {alphas.Length} alphas, {betas.Length} betas and {first.Length} operand orders");
        var steps = new LookupStep[ops.Length];
        for (int i = 0; i < ops.Length; i++) steps[i] = new LookupStep(ops[i], alphas[i], betas[i], first[i] != 0);
        return steps;
    }
}
