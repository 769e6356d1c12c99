using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Identity on a tensor. Sequence and optional values are not tensors EdgeToken plans, so those
/// Identity nodes are unsupported (the importer reports them before they reach here when it can).</summary>
internal sealed class IdentityOperator : ViewOperator
{
    public override string OpType => "Identity";

    public override void InferOutputs(NodeContext node)
    {
        if (!node.HasInput(0))
            throw new UnsupportedOperatorException($"Identity '{node.NodeName}': the input is not a tensor (sequence and optional values are not supported)");
        ElementBytes.Require(node, 0);
        node.SetOutput(0, node.Input(0).Type, node.Input(0).Dims);
    }
}
