using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>Which scale and zero point each element of a QuantizeLinear/DequantizeLinear tensor uses: one for the
/// whole tensor, one per index of <c>axis</c>, or one per block of <c>block_size</c> consecutive indices of
/// <c>axis</c> (a scale tensor of the data's shape with that axis divided by the block size, rounded up).</summary>
/// <remarks>The tensor is seen as [outer, axis, inner]; the parameter of element (o, a, i) is at
/// o * OuterStride + (a / BlockSize) * AxisStride + i * InnerStride. Per-tensor and per-axis grids have
/// InnerStride 0, so each run of <see cref="Inner"/> elements shares one scale (the vectorised case).</remarks>
public sealed class QuantizationGrid
{
    public int Outer { get; private init; } = 1;
    public int AxisLength { get; private init; } = 1;
    public int Inner { get; private init; } = 1;
    public int BlockSize { get; private init; } = 1;
    public int OuterStride { get; private init; }
    public int AxisStride { get; private init; }
    public int InnerStride { get; private init; }

    /// <summary>Parameter index of the element at (o, a, i).</summary>
    public int ParameterIndex(int o, int a, int i) => o * OuterStride + a / BlockSize * AxisStride + i * InnerStride;

    public static QuantizationGrid PerTensor(long count) => new() { Inner = checked((int)count) };

    public static QuantizationGrid Create(NodeContext node, int[] dims, int[] scaleDims, long axisAttribute, long blockSize)
    {
        long scaleCount = Shape.ElementCount(scaleDims);
        long count = Shape.ElementCount(dims);
        // A one-element scale is per-tensor whatever its rank or block size, as the reference implementation reads it.
        if (scaleCount == 1) return PerTensor(count);
        int axis = Shape.NormalizeAxis(axisAttribute, dims.Length);
        int outer = (int)Shape.ElementCount(dims.AsSpan(0, axis));
        int inner = (int)Shape.ElementCount(dims.AsSpan(axis + 1));
        if (blockSize <= 0)
        {
            if (scaleDims.Length != 1 || scaleDims[0] != dims[axis])
                throw new ShapeException($"{node.OpType} '{node.NodeName}': a per-axis scale must be 1-D with {dims[axis]} elements (axis {axis} of {Shape.Format(dims)}), got {Shape.Format(scaleDims)}");
            return new QuantizationGrid { Outer = outer, AxisLength = dims[axis], Inner = inner, AxisStride = 1 };
        }
        int blocks = (int)((dims[axis] + blockSize - 1) / blockSize);
        bool fits = scaleDims.Length == dims.Length;
        for (int d = 0; fits && d < dims.Length; d++) fits = scaleDims[d] == (d == axis ? blocks : dims[d]);
        if (!fits)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': a blocked scale for {Shape.Format(dims)} with block_size {blockSize} on axis {axis} must have shape with {blocks} on that axis, got {Shape.Format(scaleDims)}");
        return new QuantizationGrid
        {
            Outer = outer, AxisLength = dims[axis], Inner = inner, BlockSize = (int)blockSize,
            OuterStride = blocks * inner, AxisStride = inner, InnerStride = 1,
        };
    }

    /// <summary>Checks that a zero point, when given, has the scale's shape.</summary>
    public static void CheckZeroPoint(NodeContext node, int scaleIndex, int zeroPointIndex)
    {
        if (!node.HasInput(zeroPointIndex)) return;
        if (node.Input(zeroPointIndex).ElementCount != node.Input(scaleIndex).ElementCount)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': zero point {Shape.Format(node.Input(zeroPointIndex).Dims)} and scale {Shape.Format(node.Input(scaleIndex).Dims)} differ in shape");
    }
}
