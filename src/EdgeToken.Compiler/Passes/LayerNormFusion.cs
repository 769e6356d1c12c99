using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Passes;

/// <summary>
/// Recognises the decomposed layer normalisation that PyTorch exports for <c>nn.LayerNorm</c> at opsets
/// before 17 and replaces it by one LayerNormalization node:
/// <code>
/// m = ReduceMean(x, last k axes); d = Sub(x, m); v = ReduceMean(Pow(d, 2), same axes)
/// y = Add(Mul(Div(d, Sqrt(Add(v, eps))), gamma), beta)        (Mul and Add optional)
/// </code>
/// Every intermediate must be read only inside the pattern (d by Pow and Div).
/// </summary>
public sealed class LayerNormFusion : IGraphPass
{
    public string Name => "layernorm-fusion";

    public int Run(Graph graph)
    {
        int fused = 0;
        var uses = graph.BuildUses();
        foreach (var mean in graph.Nodes.ToArray())
        {
            if (mean.OpType != "ReduceMean" || !graph.Nodes.Contains(mean)) continue;
            if (TryMatch(graph, uses, mean) is not { } match) continue;
            var ln = new Node(mean.Name + "_layernorm", "LayerNormalization",
                new NodeAttributes(new Dictionary<string, AttributeValue>
                {
                    ["axis"] = AttributeValue.Of((long)match.Axis),
                    ["epsilon"] = AttributeValue.Of(match.Epsilon),
                }),
                [match.X, match.Gamma, match.Beta], [match.Y]);
            match.Y.Producer = ln;
            int at = graph.Nodes.IndexOf(match.Removed[^1]);
            graph.Nodes.Insert(at + 1, ln);
            foreach (var n in match.Removed) graph.Nodes.Remove(n);
            uses = graph.BuildUses();
            fused++;
        }
        return fused;
    }

    private sealed record Match(Value X, Value Gamma, Value? Beta, Value Y, int Axis, float Epsilon, List<Node> Removed);

    private static Match? TryMatch(Graph graph, Dictionary<Value, List<(Node Node, int Index)>> uses, Node mean)
    {
        var x = mean.Input(0);
        if (x?.Dims is null || x.Type != ElementType.Float32) return null;
        int rank = x.Dims.Length;
        int? axis = TrailingAxis(graph, mean, rank);
        if (axis is null) return null;

        var m = mean.Output(0)!;
        if (Only(uses, m) is not { OpType: "Sub" } sub || !ReferenceEquals(sub.Input(0), x) || !ReferenceEquals(sub.Input(1), m)) return null;
        var d = sub.Output(0)!;
        if (d.IsGraphOutput || !uses.TryGetValue(d, out var dUses) || dUses.Count != 2) return null;
        var pow = dUses.FirstOrDefault(u => u.Node.OpType == "Pow").Node;
        var div = dUses.FirstOrDefault(u => u.Node.OpType == "Div").Node;
        if (pow is null || div is null || !ReferenceEquals(pow.Input(0), d) || !ReferenceEquals(div.Input(0), d)) return null;
        if (GraphRewrites.ScalarFloat(pow.Input(1)) != 2f && pow.Input(1)?.Constant?.ElementAsDouble(0) != 2) return null;
        if (Only(uses, pow.Output(0)!) is not { OpType: "ReduceMean" } mean2 || TrailingAxis(graph, mean2, rank) != axis) return null;
        if (Only(uses, mean2.Output(0)!) is not { OpType: "Add" } addEps) return null;
        var epsValue = ReferenceEquals(addEps.Input(0), mean2.Output(0)) ? addEps.Input(1) : addEps.Input(0);
        if (GraphRewrites.ScalarFloat(epsValue) is not { } eps) return null;
        if (Only(uses, addEps.Output(0)!) is not { OpType: "Sqrt" } sqrt) return null;
        if (Only(uses, sqrt.Output(0)!) != div || !ReferenceEquals(div.Input(1), sqrt.Output(0))) return null;

        var removed = new List<Node> { mean, sub, pow, mean2, addEps, sqrt, div };
        var y = div.Output(0)!;
        int normalized = (int)Shape.ElementCount(x.Dims.AsSpan(axis.Value));
        var normShape = x.Dims[axis.Value..];
        Value gamma = GraphRewrites.NewConstant(mean.Name + "_ln_scale", normShape, Enumerable.Repeat(1f, normalized).ToArray());
        Value? beta = null;
        if (Only(uses, y) is { OpType: "Mul" } mul && Affine(mul, y, normalized) is { } g)
        {
            gamma = g;
            removed.Add(mul);
            y = mul.Output(0)!;
            if (Only(uses, y) is { OpType: "Add" } add && Affine(add, y, normalized) is { } b)
            {
                beta = b;
                removed.Add(add);
                y = add.Output(0)!;
            }
        }
        foreach (var n in removed.Take(removed.Count - 1))
            foreach (var o in n.Outputs)
                if (o is not null && o.IsGraphOutput) return null;
        return new Match(x, gamma, beta, y, axis.Value, eps, removed);
    }

    /// <summary>The other operand of an element-wise Mul/Add when it is a float constant of the normalised size.</summary>
    private static Value? Affine(Node node, Value operand, int normalized)
    {
        var other = ReferenceEquals(node.Input(0), operand) ? node.Input(1) : node.Input(0);
        return other?.Constant is { Type: ElementType.Float32 } c && c.ElementCount == normalized && c.Dims.Length >= 1 && c.Dims[^1] == c.ElementCount
            ? other : null;
    }

    private static Node? Only(Dictionary<Value, List<(Node Node, int Index)>> uses, Value value) => GraphRewrites.SoleReader(uses, value);

    /// <summary>The first normalised axis when a ReduceMean reduces exactly the trailing axes with keepdims.</summary>
    private static int? TrailingAxis(Graph graph, Node reduce, int rank)
    {
        if (reduce.Attributes.GetInt("keepdims", 1) != 1) return null;
        var axes = GraphRewrites.ReduceAxes(graph, reduce);
        if (axes is null || axes.Length == 0) return null;
        var normalized = axes.Select(a => (int)(a < 0 ? a + rank : a)).Order().ToArray();
        for (int i = 0; i < normalized.Length; i++)
            if (normalized[i] != rank - normalized.Length + i) return null;
        return normalized[0];
    }
}
