using System.Numerics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Reduction;

/// <summary>One ONNX Reduce* operator. Axes come from the <c>axes</c> attribute (older opsets) or from the
/// constant input 1 (ReduceSum since 13, the others since 18); both forms are accepted whatever the opset.</summary>
internal sealed class ReduceOperator(ReduceKind kind) : OperatorDefinition
{
    public override string OpType { get; } = kind.OpType();

    public override void InferOutputs(NodeContext node)
    {
        var type = ExpectType(node);
        node.SetOutput(0, type, Plan(node).OutputDims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var plan = Plan(node);
        return node.Input(0).Type switch
        {
            ElementType.Float32 => new FloatKernel(kind, plan),
            ElementType.Float64 => new GenericKernel<double>(kind, plan),
            ElementType.Int32 => new GenericKernel<int>(kind, plan),
            ElementType.Int64 => new GenericKernel<long>(kind, plan),
            ElementType.UInt32 => new GenericKernel<uint>(kind, plan),
            ElementType.UInt64 => new GenericKernel<ulong>(kind, plan),
            ElementType.Int16 => new GenericKernel<short>(kind, plan),
            ElementType.UInt16 => new GenericKernel<ushort>(kind, plan),
            ElementType.Int8 => new GenericKernel<sbyte>(kind, plan),
            // Bools are 0/1 bytes, so their max is "any" and their min is "all".
            ElementType.UInt8 or ElementType.Bool => new GenericKernel<byte>(kind, plan),
            var t => throw new UnsupportedOperatorException($"{OpType} '{node.NodeName}': element type {t.OnnxName()}"),
        };
    }

    private ElementType ExpectType(NodeContext node)
    {
        if (kind.NeedsFloatingPoint()) return node.ExpectType(0, ElementType.Float32, ElementType.Float64);
        if (kind is ReduceKind.Max or ReduceKind.Min)
            return node.ExpectType(0, ElementType.Float32, ElementType.Float64, ElementType.Int8, ElementType.UInt8, ElementType.Int16,
                ElementType.UInt16, ElementType.Int32, ElementType.UInt32, ElementType.Int64, ElementType.UInt64, ElementType.Bool);
        return node.ExpectType(0, ElementType.Float32, ElementType.Float64, ElementType.Int8, ElementType.UInt8, ElementType.Int16,
            ElementType.UInt16, ElementType.Int32, ElementType.UInt32, ElementType.Int64, ElementType.UInt64);
    }

    private ReducePlan Plan(NodeContext node)
    {
        long[]? axes = node.HasInput(1)
            ? node.RequireConstant(1, "axes").ToInt64Array()
            : node.Attributes.GetInts("axes");
        bool keepDims = node.Attributes.GetInt("keepdims", 1) != 0;
        bool noop = node.Attributes.GetInt("noop_with_empty_axes", 0) != 0;
        try
        {
            return ReducePlan.Create(node.Input(0).Dims, axes, keepDims, noop);
        }
        catch (ShapeException e)
        {
            throw new ShapeException($"{OpType} '{node.NodeName}': {e.Message}");
        }
    }

    private sealed class FloatKernel(ReduceKind kind, ReducePlan plan) : Kernel
    {
        private readonly int _scratchFloats = ReduceFloat.ScratchFloats(kind, plan);

        public override int ScratchBytes => _scratchFloats * sizeof(float);

        public override void Run(in KernelArgs args) =>
            ReduceFloat.Run(kind, plan, args.Input<float>(0), args.Output<float>(0), args.ScratchAs<float>(0, _scratchFloats));
    }

    private sealed class GenericKernel<T>(ReduceKind kind, ReducePlan plan) : Kernel where T : unmanaged, INumber<T>
    {
        public override void Run(in KernelArgs args) => Reduce.Scalar(kind, plan, args.Input<T>(0), args.Output<T>(0));
    }
}
