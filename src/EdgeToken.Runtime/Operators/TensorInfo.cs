using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Operators;

/// <summary>Element type and static shape of one tensor. <see cref="ElementType.Undefined"/> marks an
/// omitted optional input.</summary>
public readonly record struct TensorInfo(ElementType Type, int[] Dims)
{
    public static readonly TensorInfo Missing = new(ElementType.Undefined, []);
    public bool IsMissing => Type == ElementType.Undefined;
    public long ElementCount => Shape.ElementCount(Dims);
    public long ByteCount => ElementCount * Type.SizeOf();
    public int Rank => Dims.Length;
    public override string ToString() => IsMissing ? "(none)" : $"{Type.OnnxName()}{Shape.Format(Dims)}";
}
