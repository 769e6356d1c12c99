using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary><c>EdgeToken.QGlobalAveragePool</c>, the quantizer's GlobalAveragePool between int8 layers, on
/// <see cref="Int8GlobalAveragePool"/>: x int8 [N, C, spatial...] to y int8 [N, C, 1, ...]. Attributes:
/// <c>multiplier</c> and <c>shift</c> (the <see cref="FixedPointMultiplier"/> of input scale / (output scale · plane size),
/// <see cref="Int8GlobalAveragePool.Multiplier"/>), <c>input_zero_point</c> and <c>output_zero_point</c>.</summary>
public static class QGlobalAveragePool
{
    public const string OpType = "EdgeToken.QGlobalAveragePool";
}

internal sealed class QGlobalAveragePoolOperator : OperatorDefinition
{
    public override string OpType => QGlobalAveragePool.OpType;

    public override void InferOutputs(NodeContext node) => Pooling.GlobalPoolOperator.InferPooled(node, OpType, ElementType.Int8);

    public override Kernel CreateKernel(NodeContext node)
    {
        var x = node.Input(0).Dims;
        var a = node.Attributes;
        int planes = x[0] * x[1];
        long plane = Shape.ElementCount(x) / Math.Max(1, planes);
        if (plane is <= 0 or > Int8GlobalAveragePool.MaxPlane)
            throw new ShapeException($"{OpType} '{node.NodeName}': planes of {plane} values; the int8 kernel takes 1 to {Int8GlobalAveragePool.MaxPlane}");
        long multiplier = a.GetInt("multiplier", 0), shift = a.GetInt("shift", 0);
        if (multiplier is <= 0 or > int.MaxValue || shift is < -30 or > 31)
            throw new ShapeException($"{OpType} '{node.NodeName}': multiplier {multiplier} and shift {shift} are not a fixed-point scale");
        return new PoolKernel(planes, (int)plane, new FixedPointMultiplier((int)multiplier, (int)shift),
            (int)a.GetInt("input_zero_point", 0), (int)a.GetInt("output_zero_point", 0));
    }

    private sealed class PoolKernel(int planes, int plane, FixedPointMultiplier scale, int inputZeroPoint, int outputZeroPoint) : Kernel
    {
        public override void Run(in KernelArgs args) =>
            Int8GlobalAveragePool.Run(args.Input<sbyte>(0), planes, plane, scale, inputZeroPoint, outputZeroPoint, args.Output<sbyte>(0), Int8Paths.Best);
    }
}
