using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Gather along <c>axis</c>: output shape data[:axis] + indices.shape + data[axis+1:]; every index picks
/// one contiguous block of data[axis+1:]. Indices may be negative (counted from the end), int32 or int64, and
/// either constant (normalised once when the kernel is built) or computed at run time (checked as they are read).</summary>
internal sealed class GatherOperator : OperatorDefinition
{
    public override string OpType => "Gather";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        node.ExpectType(1, ElementType.Int32, ElementType.Int64);
        var data = node.Input(0);
        var indices = node.Input(1);
        int axis = Shape.NormalizeAxis(node.Attributes.GetInt("axis", 0), data.Rank);
        if (data.Rank == 0) throw new ShapeException($"Gather '{node.NodeName}': data must have rank >= 1");
        var dims = new int[data.Rank - 1 + indices.Rank];
        data.Dims.AsSpan(0, axis).CopyTo(dims);
        indices.Dims.CopyTo(dims, axis);
        data.Dims.AsSpan(axis + 1).CopyTo(dims.AsSpan(axis + indices.Rank));
        node.SetOutput(0, data.Type, dims);
        if (node.Constant(1) is { } constant) Normalize(node, constant, data.Dims[axis]);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        int size = ElementBytes.Require(node, 0);
        var data = node.Input(0);
        int axis = Shape.NormalizeAxis(node.Attributes.GetInt("axis", 0), data.Rank);
        int outer = (int)Shape.ElementCount(data.Dims.AsSpan(0, axis));
        int block = (int)Shape.ElementCount(data.Dims.AsSpan(axis + 1)) * size;
        int axisDim = data.Dims[axis];
        int[]? constant = node.Constant(1) is { } c ? Normalize(node, c, axisDim) : null;
        return new GatherKernel(outer, axisDim, block, (int)node.Input(1).ElementCount, node.Input(1).Type == ElementType.Int64, constant);
    }

    private static int[] Normalize(NodeContext node, ConstantTensor indices, int axisDim)
    {
        long[] raw = indices.ToInt64Array();
        var result = new int[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            long v = raw[i] < 0 ? raw[i] + axisDim : raw[i];
            if (v < 0 || v >= axisDim)
                throw new ShapeException($"Gather '{node.NodeName}': index {raw[i]} is out of range for a dimension of {axisDim}");
            result[i] = (int)v;
        }
        return result;
    }

    private sealed class GatherKernel(int outer, int axisDim, int blockBytes, int indexCount, bool int64, int[]? constant) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            var data = args.InputBytes(0);
            var output = args.OutputBytes(0);
            var idx32 = int64 || constant is not null ? default : args.Input<int>(1);
            var idx64 = !int64 || constant is not null ? default : args.Input<long>(1);
            int o = 0;
            for (int n = 0; n < outer; n++)
            {
                var plane = data.Slice(n * axisDim * blockBytes, axisDim * blockBytes);
                for (int i = 0; i < indexCount; i++)
                {
                    int at = constant is not null ? constant[i] : Check(int64 ? idx64[i] : idx32[i], axisDim);
                    plane.Slice(at * blockBytes, blockBytes).CopyTo(output.Slice(o, blockBytes));
                    o += blockBytes;
                }
            }
        }

        private static int Check(long index, int axisDim)
        {
            long v = index < 0 ? index + axisDim : index;
            if ((ulong)v >= (ulong)axisDim)
                throw new IndexOutOfRangeException($"Gather index {index} is out of range for a dimension of {axisDim}");
            return (int)v;
        }
    }
}
