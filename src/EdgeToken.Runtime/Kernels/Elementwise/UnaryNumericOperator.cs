using System.Numerics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>The shared shape of element-wise unary operators defined for several numeric types (Abs, Neg):
/// output of the input's type and shape, in place. Subclasses choose the types and the operation.</summary>
internal abstract class UnaryNumericOperator : OperatorDefinition
{
    protected abstract ElementType[] Types { get; }

    public override void InferOutputs(NodeContext node)
    {
        var type = node.ExpectType(0, Types);
        node.SetOutput(0, type, node.Input(0).Dims);
    }

    public override int InPlaceInput(NodeContext node) => 0;

    public override Kernel CreateKernel(NodeContext node) => node.Input(0).Type switch
    {
        ElementType.Float32 => Create<float>(),
        ElementType.Float64 => Create<double>(),
        ElementType.Float16 => Create<Half>(),
        ElementType.Int8 => Create<sbyte>(),
        ElementType.Int16 => Create<short>(),
        ElementType.Int32 => Create<int>(),
        ElementType.Int64 => Create<long>(),
        ElementType.UInt8 => Create<byte>(),
        ElementType.UInt16 => Create<ushort>(),
        ElementType.UInt32 => Create<uint>(),
        ElementType.UInt64 => Create<ulong>(),
        var t => throw new UnsupportedOperatorException($"{OpType} '{node.NodeName}': element type {t.OnnxName()}"),
    };

    protected abstract Kernel Create<T>() where T : unmanaged, INumber<T>;
}
