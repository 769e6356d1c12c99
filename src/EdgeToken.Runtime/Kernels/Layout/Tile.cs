using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Tile: output axis i is the input axis repeated repeats[i] times. Viewing the output as
/// [r0, d0, r1, d1, ...] makes it a strided copy with stride 0 on every repeat axis.</summary>
internal sealed class TileOperator : OperatorDefinition
{
    public override string OpType => "Tile";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        long[] repeats = Repeats(node);
        var dims = new int[input.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = checked((int)(input.Dims[i] * repeats[i]));
        node.SetOutput(0, input.Type, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        int size = ElementBytes.Require(node, 0);
        var input = node.Input(0);
        long[] repeats = Repeats(node);
        var inStrides = Shape.Strides(input.Dims);
        var dims = new int[2 * input.Rank];
        var strides = new long[2 * input.Rank];
        for (int i = 0; i < input.Rank; i++)
        {
            dims[2 * i] = (int)repeats[i];
            dims[2 * i + 1] = input.Dims[i];
            strides[2 * i + 1] = inStrides[i];
        }
        return new StridedKernel(new StridedCopy(dims, strides, 0, size));
    }

    private static long[] Repeats(NodeContext node)
    {
        long[] repeats = node.RequireConstant(1, "repeats").ToInt64Array();
        if (repeats.Length != node.Input(0).Rank)
            throw new ShapeException($"Tile '{node.NodeName}': {repeats.Length} repeats for an input of rank {node.Input(0).Rank}");
        foreach (long r in repeats)
            if (r < 0) throw new ShapeException($"Tile '{node.NodeName}': negative repeat {r}");
        return repeats;
    }
}
