using EdgeToken.Compiler.Graphs;

namespace EdgeToken.Compiler.Passes;

/// <summary>Removes nodes none of whose outputs reach a graph output.</summary>
public sealed class DeadNodeElimination : IGraphPass
{
    public string Name => "dead-node-elimination";

    public int Run(Graph graph)
    {
        var live = new HashSet<Value>(graph.Outputs);
        var keep = new List<Node>(graph.Nodes.Count);
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = graph.Nodes[i];
            if (!node.Outputs.Any(o => o is not null && live.Contains(o))) continue;
            keep.Add(node);
            foreach (var v in node.Inputs) if (v is not null) live.Add(v);
        }
        int removed = graph.Nodes.Count - keep.Count;
        if (removed == 0) return 0;
        keep.Reverse();
        graph.Nodes.Clear();
        graph.Nodes.AddRange(keep);
        return removed;
    }
}
