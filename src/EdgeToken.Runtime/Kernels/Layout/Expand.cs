using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Expand: broadcasts the input against a constant shape (numpy rules, either side may be 1). Broadcast
/// axes get input stride 0 in a <see cref="StridedCopy"/>.</summary>
internal sealed class ExpandOperator : OperatorDefinition
{
    public override string OpType => "Expand";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        long[] shape = node.RequireConstant(1, "shape").ToInt64Array();
        var target = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0 || shape[i] > int.MaxValue) throw new ShapeException($"Expand '{node.NodeName}': invalid dimension {shape[i]}");
            target[i] = (int)shape[i];
        }
        node.SetOutput(0, node.Input(0).Type, Shape.Broadcast(node.Input(0).Dims, target));
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        int size = ElementBytes.Require(node, 0);
        var outDims = node.Output(0).Dims;
        return new StridedKernel(new StridedCopy(outDims, BroadcastStrides(node.Input(0).Dims, outDims), 0, size));
    }

    /// <summary>Element strides of <paramref name="dims"/> read as broadcast to <paramref name="outDims"/>.</summary>
    internal static long[] BroadcastStrides(int[] dims, int[] outDims)
    {
        var inStrides = Shape.Strides(dims);
        var strides = new long[outDims.Length];
        int shift = outDims.Length - dims.Length;
        for (int i = shift; i < outDims.Length; i++)
            strides[i] = dims[i - shift] == 1 ? 0 : inStrides[i - shift];
        return strides;
    }
}
