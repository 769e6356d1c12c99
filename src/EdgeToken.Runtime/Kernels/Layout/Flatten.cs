using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Flatten: a 2-D view [d0*..*d(axis-1), d(axis)*..*dn]. <c>axis</c> may be the rank (then the second
/// dimension is 1) or negative.</summary>
internal sealed class FlattenOperator : ViewOperator
{
    public override string OpType => "Flatten";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        int rank = input.Rank;
        long axis = node.Attributes.GetInt("axis", 1);
        if (axis < 0) axis += rank;
        if (axis < 0 || axis > rank)
            throw new ShapeException($"Flatten '{node.NodeName}': axis {node.Attributes.GetInt("axis", 1)} is out of range for rank {rank}");
        long outer = Shape.ElementCount(input.Dims.AsSpan(0, (int)axis));
        long inner = Shape.ElementCount(input.Dims.AsSpan((int)axis));
        node.SetOutput(0, input.Type, [checked((int)outer), checked((int)inner)]);
    }
}
