using EdgeToken.Compiler.Graphs;

namespace EdgeToken.Compiler.Passes;

/// <summary>Removes Identity, and Dropout in inference (no training mode, mask unused): their readers read
/// the input directly. When the removed output is a graph output, the producer writes it instead.</summary>
public sealed class IdentityRemoval : IGraphPass
{
    public string Name => "identity-removal";

    public int Run(Graph graph)
    {
        int removed = 0;
        var uses = graph.BuildUses();
        foreach (var node in graph.Nodes.ToArray())
        {
            if (!IsIdentity(node, uses)) continue;
            var x = node.Inputs[0]!;
            var y = node.Outputs[0]!;
            if (!y.IsGraphOutput)
            {
                graph.ReplaceAllUses(y, x);
            }
            else if (x.Producer is { } producer && !x.IsGraphOutput && !x.IsGraphInput && !x.IsConstant)
            {
                graph.ReplaceAllUses(x, y);
                GraphRewrites.Redirect(producer, x, y);
            }
            else
            {
                continue; // a graph input or constant passed straight through: the copy stays
            }
            graph.Nodes.Remove(node);
            uses = graph.BuildUses();
            removed++;
        }
        return removed;
    }

    private static bool IsIdentity(Node node, Dictionary<Value, List<(Node Node, int Index)>> uses)
    {
        if (node.Input(0) is null || node.Output(0) is null) return false;
        if (node.OpType == "Identity") return true;
        if (node.OpType != "Dropout") return false;
        if (node.Output(1) is { } mask && (mask.IsGraphOutput || uses.ContainsKey(mask))) return false;
        if (node.Input(2) is { } training)
            return training.Constant is { } c && c.ElementAsDouble(0) == 0;
        return true;
    }
}
