using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Layout operators move elements without looking at them, so they run on any type with a byte size;
/// this is the one place that says which types those are.</summary>
internal static class ElementBytes
{
    /// <summary>The element size of input <paramref name="index"/>, or an <see cref="UnsupportedOperatorException"/>
    /// for types EdgeToken cannot lay out (strings, sub-byte types, sequences).</summary>
    public static int Require(NodeContext node, int index)
    {
        var type = node.Input(index).Type;
        int size = type.SizeOf();
        if (size == 0)
            throw new UnsupportedOperatorException(
                $"{node.OpType} '{node.NodeName}': input {index} has type {type.OnnxName()}, which EdgeToken cannot lay out in memory");
        return size;
    }

    /// <summary>The value 1 of a floating-point type as little-endian bytes (the mask of an old-opset Dropout).</summary>
    public static byte[] One(ElementType type) => type switch
    {
        ElementType.Float32 => BitConverter.GetBytes(1f),
        ElementType.Float64 => BitConverter.GetBytes(1d),
        ElementType.Float16 => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)1f)),
        ElementType.Bool or ElementType.UInt8 or ElementType.Int8 => [1],
        _ => throw new UnsupportedOperatorException($"a mask of type {type.OnnxName()}"),
    };

    /// <summary>A number converted to one element of <paramref name="type"/> (Pad's constant value given as a float attribute).</summary>
    public static byte[] FromDouble(ElementType type, double value) => type switch
    {
        ElementType.Float32 => BitConverter.GetBytes((float)value),
        ElementType.Float64 => BitConverter.GetBytes(value),
        ElementType.Float16 => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits((Half)value)),
        ElementType.BFloat16 => BitConverter.GetBytes(ToBFloat16((float)value)),
        ElementType.Int8 => [(byte)(sbyte)value],
        ElementType.UInt8 or ElementType.Bool => [(byte)value],
        ElementType.Int16 => BitConverter.GetBytes((short)value),
        ElementType.UInt16 => BitConverter.GetBytes((ushort)value),
        ElementType.Int32 => BitConverter.GetBytes((int)value),
        ElementType.UInt32 => BitConverter.GetBytes((uint)value),
        ElementType.Int64 => BitConverter.GetBytes((long)value),
        ElementType.UInt64 => BitConverter.GetBytes((ulong)value),
        _ => throw new UnsupportedOperatorException($"a constant of type {type.OnnxName()}"),
    };

    /// <summary>Round-to-nearest-even truncation of a float's upper half, as bfloat16 converters do.</summary>
    private static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return 0x7FC0;
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
