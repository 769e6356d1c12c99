using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Unsqueeze: inserts size-1 dimensions at the listed positions of the output (in any order, negative
/// ones counted from the output's rank).</summary>
internal sealed class UnsqueezeOperator : ViewOperator
{
    public override string OpType => "Unsqueeze";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        long[] axes = AxesArgument.Read(node, 1, firstOpsetAsInput: 13)
            ?? throw new ShapeException($"Unsqueeze '{node.NodeName}' has no axes");
        int rank = input.Rank + axes.Length;
        var inserted = new bool[rank];
        foreach (int a in AxesArgument.Normalize(node, axes, rank)) inserted[a] = true;
        var dims = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) dims[i] = inserted[i] ? 1 : input.Dims[j++];
        node.SetOutput(0, input.Type, dims);
    }
}
