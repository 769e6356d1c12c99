using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Compiler.Passes;

/// <summary>Runs, at compile time, every node whose inputs are all constants (with the runtime's own kernels,
/// so folding cannot disagree with execution) and replaces its outputs by the results.</summary>
/// <remarks>Results larger than <see cref="MaxFoldedBytes"/> are left to run on the device: folding an
/// Expand or Tile of a small constant would otherwise grow the weights that must fit in flash.</remarks>
public sealed class ConstantFolding : IGraphPass
{
    public const long MaxFoldedBytes = 4 << 20;

    private static readonly HashSet<string> NonDeterministic = new(StringComparer.Ordinal)
    {
        "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli",
    };

    public string Name => "constant-folding";

    public int Run(Graph graph)
    {
        int folded = 0;
        foreach (var node in graph.Nodes.ToArray())
        {
            if (!TryFold(graph, node)) continue;
            graph.Nodes.Remove(node);
            folded++;
        }
        return folded;
    }

    /// <summary>Computes a node whose inputs are all constants and makes its outputs constants. The caller
    /// removes the node. Shape inference calls this too, so that shape-defining inputs computed from
    /// constants (an Unsqueeze's axes from a Constant node) are known before the next node is inferred.</summary>
    public static bool TryFold(Graph graph, Node node)
    {
        if (NonDeterministic.Contains(node.OpType)) return false;
        if (!node.Inputs.All(v => v is null || v.IsConstant)) return false;
        if (node.Outputs.Any(o => o is not null && o.Dims is not null && o.Info.ByteCount > MaxFoldedBytes)) return false;
        var inputs = node.Inputs.Select(v => v?.Constant).ToArray();
        Runtime.Tensors.ConstantTensor[] results;
        try
        {
            results = SingleNodeRunner.Run(node.OpType, node.Attributes, inputs, node.Outputs.Count, graph.Opset, node.Name);
        }
        catch (UnsupportedOperatorException)
        {
            return false; // left in the graph; compilation reports it with the node's name
        }
        for (int o = 0; o < node.Outputs.Count; o++)
        {
            if (node.Outputs[o] is not { } value) continue;
            value.Constant = results[o];
            value.Type = results[o].Type;
            value.Dims = results[o].Dims;
            value.Producer = null;
        }
        return true;
    }
}
