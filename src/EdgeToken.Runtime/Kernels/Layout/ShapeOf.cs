using System.Runtime.InteropServices;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Shape: the input's dimensions [start, end) as int64 (both clamped, negative counted from the end).
/// Shapes are static in EdgeToken, so the kernel writes numbers known when it is built.</summary>
internal sealed class ShapeOperator : OperatorDefinition
{
    public override string OpType => "Shape";

    public override void InferOutputs(NodeContext node) => node.SetOutput(0, ElementType.Int64, [Values(node).Length]);

    public override Kernel CreateKernel(NodeContext node) => new ShapeKernel(Values(node));

    internal static long[] Values(NodeContext node)
    {
        var dims = node.Input(0).Dims;
        int rank = dims.Length;
        long start = node.Attributes.GetInt("start", 0);
        long end = node.Attributes.GetInt("end", rank);
        if (start < 0) start += rank;
        if (end < 0) end += rank;
        start = Math.Clamp(start, 0, rank);
        end = Math.Clamp(end, 0, rank);
        var values = new long[Math.Max(0, end - start)];
        for (int i = 0; i < values.Length; i++) values[i] = dims[start + i];
        return values;
    }

    private sealed class ShapeKernel(long[] values) : Kernel
    {
        public override void Run(in KernelArgs args) => MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(args.OutputBytes(0));
    }
}
