using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Slice: per axis, elements start, start+step, ... before end. Starts and ends are clamped as the ONNX
/// spec says (to [0, d] for positive steps, to [0, d-1] and [-1, d-1] for negative ones), so out-of-range values
/// such as INT64_MAX are fine. The walk is a <see cref="StridedCopy"/> with the steps as strides.</summary>
internal sealed class SliceOperator : OperatorDefinition
{
    public override string OpType => "Slice";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        Resolve(node, out var dims, out _, out _);
        node.SetOutput(0, node.Input(0).Type, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        int size = ElementBytes.Require(node, 0);
        Resolve(node, out var dims, out var strides, out long offset);
        return new StridedKernel(new StridedCopy(dims, strides, offset, size));
    }

    /// <summary>The output dims, and the input strides and first element that walk them.</summary>
    internal static void Resolve(NodeContext node, out int[] outDims, out long[] strides, out long offset)
    {
        var inDims = node.Input(0).Dims;
        int rank = inDims.Length;
        long[] starts, ends;
        long[]? axes, steps;
        if (node.Opset < 10)
        {
            starts = node.Attributes.GetInts("starts") ?? throw new ShapeException($"Slice '{node.NodeName}' has no starts");
            ends = node.Attributes.GetInts("ends") ?? throw new ShapeException($"Slice '{node.NodeName}' has no ends");
            axes = node.Attributes.GetInts("axes");
            steps = null;
        }
        else
        {
            starts = node.RequireConstant(1, "starts").ToInt64Array();
            ends = node.RequireConstant(2, "ends").ToInt64Array();
            axes = node.HasInput(3) ? node.RequireConstant(3, "axes").ToInt64Array() : null;
            steps = node.HasInput(4) ? node.RequireConstant(4, "steps").ToInt64Array() : null;
        }
        if (ends.Length != starts.Length || (axes is not null && axes.Length != starts.Length) || (steps is not null && steps.Length != starts.Length))
            throw new ShapeException($"Slice '{node.NodeName}': starts, ends, axes and steps must have the same length");
        if (axes is null)
        {
            axes = new long[starts.Length];
            for (int i = 0; i < axes.Length; i++) axes[i] = i;
        }
        int[] axis = AxesArgument.Normalize(node, axes, rank);

        var inStrides = Shape.Strides(inDims);
        outDims = (int[])inDims.Clone();
        strides = new long[rank];
        for (int i = 0; i < rank; i++) strides[i] = inStrides[i];
        offset = 0;
        for (int i = 0; i < axis.Length; i++)
        {
            int a = axis[i];
            long step = steps?[i] ?? 1;
            if (step == 0) throw new ShapeException($"Slice '{node.NodeName}': step 0 on axis {a}");
            Clamp(inDims[a], starts[i], ends[i], step, out long start, out long count);
            outDims[a] = (int)count;
            strides[a] = step * inStrides[a];
            if (count > 0) offset += start * inStrides[a];
        }
    }

    /// <summary>The spec's clamping for one axis of size <paramref name="dim"/>: the first index and how many.</summary>
    internal static void Clamp(long dim, long start, long end, long step, out long first, out long count)
    {
        if (dim == 0) { first = 0; count = 0; return; }
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
            count = end > start ? (end - start - 1) / step + 1 : 0;
        }
        else
        {
            start = Math.Clamp(start, 0, dim - 1);
            end = Math.Clamp(end, -1, dim - 1);
            count = start > end ? (start - end - 1) / -step + 1 : 0;
        }
        first = start;
    }
}
