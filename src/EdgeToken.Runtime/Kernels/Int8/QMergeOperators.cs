using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The quantizer's int8 forms of the operators that merge branches: <c>EdgeToken.QAdd</c> and <c>EdgeToken.QMul</c>
/// (two int8 tensors of the output's shape, on <see cref="Int8Add"/> and <see cref="Int8Mul"/>) and <c>EdgeToken.QConcat</c>
/// (any number of int8 tensors along <c>axis</c>, on <see cref="Int8Concat"/>). Attributes: <c>input_scales</c>,
/// <c>input_zero_points</c> (one per input), <c>output_scale</c>, <c>output_zero_point</c>; QConcat also <c>axis</c>.</summary>
public static class QMerge
{
    public const string AddOpType = "EdgeToken.QAdd";
    public const string MulOpType = "EdgeToken.QMul";
    public const string ConcatOpType = "EdgeToken.QConcat";

    public const string InputScales = "input_scales";
    public const string InputZeroPoints = "input_zero_points";
    public const string OutputScale = "output_scale";
    public const string OutputZeroPoint = "output_zero_point";

    /// <summary>The ONNX operator each int8 form computes (what the QDQ export writes between DequantizeLinear and
    /// QuantizeLinear).</summary>
    public static string? FloatOp(string opType) => opType switch
    {
        AddOpType => "Add",
        MulOpType => "Mul",
        ConcatOpType => "Concat",
        _ => null,
    };

    internal static (float[] Scales, int[] ZeroPoints, float ScaleY, int ZeroY) Parameters(NodeContext node)
    {
        var a = node.Attributes;
        var scales = a.GetFloats(InputScales);
        var zeros = a.GetInts(InputZeroPoints);
        if (scales is null || zeros is null || scales.Length != node.InputCount || zeros.Length != node.InputCount)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': needs one input scale and zero point per input ({node.InputCount})");
        float scaleY = a.GetFloat(OutputScale, 0f);
        if (!(scaleY > 0) || scales.Any(s => !(s > 0)))
            throw new ShapeException($"{node.OpType} '{node.NodeName}': scales must be positive");
        return (scales, [.. zeros.Select(z => (int)z)], scaleY, (int)a.GetInt(OutputZeroPoint, 0));
    }

    internal static void RequireInt8(NodeContext node)
    {
        for (int i = 0; i < node.InputCount; i++)
            if (node.Input(i).Type != ElementType.Int8)
                throw new ShapeException($"{node.OpType} '{node.NodeName}': input {i} is {node.Input(i).Type.OnnxName()}, not int8");
    }
}

/// <summary><c>EdgeToken.QAdd</c> and <c>EdgeToken.QMul</c>: same-shape int8 operands, no broadcasting (the quantizer only
/// rewrites those).</summary>
internal sealed class QBinaryOperator(string opType) : OperatorDefinition
{
    public override string OpType => opType;

    public override void InferOutputs(NodeContext node)
    {
        QMerge.RequireInt8(node);
        if (node.InputCount != 2 || !node.Input(0).Dims.AsSpan().SequenceEqual(node.Input(1).Dims))
            throw new ShapeException($"{OpType} '{node.NodeName}': two int8 inputs of one shape, got {string.Join(" and ", Enumerable.Range(0, node.InputCount).Select(i => Shape.Format(node.Input(i).Dims)))}");
        node.SetOutput(0, ElementType.Int8, (int[])node.Input(0).Dims.Clone());
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var (s, z, sy, zy) = QMerge.Parameters(node);
        return OpType == QMerge.AddOpType
            ? new AddKernel(new Int8Add(s[0], z[0], s[1], z[1], sy, zy))
            : new MulKernel(new Int8Mul(s[0], z[0], s[1], z[1], sy, zy));
    }

    private sealed class AddKernel(Int8Add add) : Kernel
    {
        public override void Run(in KernelArgs args) => add.Run(args.Input<sbyte>(0), args.Input<sbyte>(1), args.Output<sbyte>(0));
    }

    private sealed class MulKernel(Int8Mul mul) : Kernel
    {
        public override void Run(in KernelArgs args) => mul.Run(args.Input<sbyte>(0), args.Input<sbyte>(1), args.Output<sbyte>(0));
    }
}

/// <summary><c>EdgeToken.QConcat</c>: shapes as ONNX Concat's, every input int8.</summary>
internal sealed class QConcatOperator : OperatorDefinition
{
    private readonly Layout.ConcatOperator _shapes = new();

    public override string OpType => QMerge.ConcatOpType;

    public override void InferOutputs(NodeContext node)
    {
        QMerge.RequireInt8(node);
        _shapes.InferOutputs(node);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var (s, z, sy, zy) = QMerge.Parameters(node);
        var dims = node.Input(0).Dims;
        int axis = Shape.NormalizeAxis(node.Attributes.GetInt("axis", 0), dims.Length);
        int outer = (int)Shape.ElementCount(dims.AsSpan(0, axis));
        var blocks = new int[node.InputCount];
        for (int i = 0; i < blocks.Length; i++) blocks[i] = (int)Shape.ElementCount(node.Input(i).Dims.AsSpan(axis));
        return new ConcatKernel(new Int8Concat(outer, blocks, s, z, sy, zy));
    }

    private sealed class ConcatKernel(Int8Concat concat) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            var y = args.Output<sbyte>(0);
            for (int i = 0; i < concat.Inputs; i++) concat.Run(i, args.Input<sbyte>(i), y);
        }
    }
}
