using EdgeToken.Compiler.Graphs;

namespace EdgeToken.Compiler.Passes;

/// <summary>Removes nodes none of whose outputs reach a graph output, and drops the outputs nothing reads from
/// operators whose outputs ONNX makes optional (<see cref="OptionalOutputs"/>), so their kernels need not write them:
/// a GRU whose per-step Y nobody reads no longer copies h into it at every step.</summary>
public sealed class DeadNodeElimination : IGraphPass
{
    public string Name => "dead-node-elimination";

    /// <summary>The operators whose every output the ONNX spec marks optional and whose kernels skip a missing one.</summary>
    private static readonly HashSet<string> OptionalOutputs = new(StringComparer.Ordinal) { "RNN", "GRU", "LSTM" };

    public int Run(Graph graph)
    {
        var live = new HashSet<Value>(graph.Outputs);
        var keep = new List<Node>(graph.Nodes.Count);
        int dropped = 0;
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = graph.Nodes[i];
            if (!node.Outputs.Any(o => o is not null && live.Contains(o))) continue;
            keep.Add(node);
            // Nodes are in topological order, so every reader of this node's outputs has been seen.
            if (OptionalOutputs.Contains(node.OpType))
                for (int o = 0; o < node.Outputs.Count; o++)
                    if (node.Outputs[o] is { } value && !live.Contains(value))
                    {
                        node.Outputs[o] = null;
                        dropped++;
                    }
            foreach (var v in node.Inputs) if (v is not null) live.Add(v);
        }
        int removed = graph.Nodes.Count - keep.Count;
        if (removed == 0) return dropped;
        keep.Reverse();
        graph.Nodes.Clear();
        graph.Nodes.AddRange(keep);
        return removed + dropped;
    }
}
