using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Squeeze: removes size-1 dimensions, the listed ones or (without axes) all of them.</summary>
internal sealed class SqueezeOperator : ViewOperator
{
    public override string OpType => "Squeeze";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        long[]? axes = AxesArgument.Read(node, 1, firstOpsetAsInput: 13);
        var remove = new bool[input.Rank];
        if (axes is null)
        {
            for (int i = 0; i < input.Rank; i++) remove[i] = input.Dims[i] == 1;
        }
        else
        {
            foreach (int a in AxesArgument.Normalize(node, axes, input.Rank))
            {
                if (input.Dims[a] != 1)
                    throw new ShapeException($"Squeeze '{node.NodeName}': dimension {a} of {Shape.Format(input.Dims)} is {input.Dims[a]}, not 1");
                remove[a] = true;
            }
        }
        var dims = new List<int>(input.Rank);
        for (int i = 0; i < input.Rank; i++) if (!remove[i]) dims.Add(input.Dims[i]);
        node.SetOutput(0, input.Type, dims.ToArray());
    }
}
