using System.Runtime.InteropServices;

namespace EdgeToken.Runtime.Tensors;

/// <summary>A tensor whose value is known before the model runs: an initializer, a folded constant or a
/// weight in a plan. The bytes are little-endian and are never copied: they stay in the buffer the model
/// or the plan was read into.</summary>
public sealed class ConstantTensor
{
    public ConstantTensor(ElementType type, int[] shape, ReadOnlyMemory<byte> bytes)
    {
        long expected = Shape.ElementCount(shape) * type.SizeOf();
        if (bytes.Length != expected)
            throw new ArgumentException($"a {type.OnnxName()} tensor of shape {Shape.Format(shape)} needs {expected} bytes, got {bytes.Length}");
        Type = type;
        Dims = shape;
        Bytes = bytes;
    }

    public ElementType Type { get; }
    public int[] Dims { get; }
    public ReadOnlyMemory<byte> Bytes { get; }
    public long ElementCount => Shape.ElementCount(Dims);

    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes.Span);

    /// <summary>Reads an integer tensor (int32 or int64, as shape-like inputs are) as longs.</summary>
    public long[] ToInt64Array()
    {
        return Type switch
        {
            ElementType.Int64 => AsSpan<long>().ToArray(),
            ElementType.Int32 => Array.ConvertAll(AsSpan<int>().ToArray(), v => (long)v),
            _ => throw new ShapeException($"expected an int32 or int64 tensor, got {Type.OnnxName()}"),
        };
    }

    /// <summary>Reads a numeric tensor as doubles (for scalars such as Clip bounds or Pad values).</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[ElementCount];
        for (int i = 0; i < result.Length; i++) result[i] = ElementAsDouble(i);
        return result;
    }

    public double ElementAsDouble(int i) => Type switch
    {
        ElementType.Float32 => AsSpan<float>()[i],
        ElementType.Float64 => AsSpan<double>()[i],
        ElementType.Float16 => (double)AsSpan<Half>()[i],
        ElementType.Int8 => AsSpan<sbyte>()[i],
        ElementType.UInt8 or ElementType.Bool => AsSpan<byte>()[i],
        ElementType.Int16 => AsSpan<short>()[i],
        ElementType.UInt16 => AsSpan<ushort>()[i],
        ElementType.Int32 => AsSpan<int>()[i],
        ElementType.UInt32 => AsSpan<uint>()[i],
        ElementType.Int64 => AsSpan<long>()[i],
        ElementType.UInt64 => AsSpan<ulong>()[i],
        _ => throw new ShapeException($"cannot read a {Type.OnnxName()} element as a number"),
    };

    public static ConstantTensor FromArray<T>(ElementType type, int[] shape, T[] values) where T : unmanaged =>
        new(type, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
