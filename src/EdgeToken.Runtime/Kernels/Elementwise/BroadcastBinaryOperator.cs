using System.Numerics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>The shared shape of Add, Sub, Mul and Div: two inputs of one type, numpy multidirectional
/// broadcasting, output of the same type. Subclasses only choose the operation for each element type.</summary>
internal abstract class BroadcastBinaryOperator : OperatorDefinition
{
    /// <summary>Every numeric type the ONNX arithmetic operators accept that EdgeToken lays out in an arena.</summary>
    protected static readonly ElementType[] NumericTypes =
    [
        ElementType.Float32, ElementType.Float64, ElementType.Float16,
        ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
        ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64,
    ];

    public override void InferOutputs(NodeContext node)
    {
        var type = node.ExpectType(0, NumericTypes);
        if (node.Input(1).Type != type)
            throw new ShapeException($"{OpType} '{node.NodeName}': inputs are {type.OnnxName()} and {node.Input(1).Type.OnnxName()}; ONNX requires one type");
        node.SetOutput(0, type, Shape.Broadcast(node.Input(0).Dims, node.Input(1).Dims));
    }

    public override int InPlaceInput(NodeContext node) => FullShapeInput(node);

    public override Kernel CreateKernel(NodeContext node)
    {
        var plan = BroadcastPlan.Create(node.Input(0).Dims, node.Input(1).Dims, node.Output(0).Dims);
        return node.Output(0).Type switch
        {
            ElementType.Float32 => Create<float>(plan),
            ElementType.Float64 => Create<double>(plan),
            ElementType.Float16 => Create<Half>(plan),
            ElementType.Int8 => Create<sbyte>(plan),
            ElementType.Int16 => Create<short>(plan),
            ElementType.Int32 => Create<int>(plan),
            ElementType.Int64 => Create<long>(plan),
            ElementType.UInt8 => Create<byte>(plan),
            ElementType.UInt16 => Create<ushort>(plan),
            ElementType.UInt32 => Create<uint>(plan),
            ElementType.UInt64 => Create<ulong>(plan),
            var t => throw new UnsupportedOperatorException($"{OpType} '{node.NodeName}': element type {t.OnnxName()}"),
        };
    }

    protected abstract Kernel Create<T>(BroadcastPlan plan) where T : unmanaged, INumber<T>;

    /// <summary>The first input with the output's shape and type (so the output may overwrite it), or -1.</summary>
    internal static int FullShapeInput(NodeContext node)
    {
        var output = node.Output(0);
        for (int i = 0; i < 2; i++)
        {
            var input = node.Input(i);
            if (input.Type == output.Type && input.Dims.AsSpan().SequenceEqual(output.Dims)) return i;
        }
        return -1;
    }
}

/// <summary>Runs one <see cref="IBinaryOp{T}"/> over a precomputed broadcast plan.</summary>
internal sealed class BroadcastBinaryKernel<T, TOp>(BroadcastPlan plan, TOp op) : Kernel
    where T : unmanaged where TOp : struct, IBinaryOp<T>
{
    public override void Run(in KernelArgs args) =>
        BinaryDriver.Run(plan, args.Input<T>(0), args.Input<T>(1), args.Output<T>(0), op);
}
