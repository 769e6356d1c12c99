namespace EdgeToken.Runtime.Tensors;

/// <summary>Element types of tensors. The numeric values are the ONNX <c>TensorProto.DataType</c> codes,
/// so a type read from a model or written to a plan needs no translation table.</summary>
public enum ElementType
{
    Undefined = 0,
    Float32 = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Float64 = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}

/// <summary>Facts about element types.</summary>
public static class ElementTypes
{
    /// <summary>Bytes per element, or 0 for types EdgeToken cannot lay out in an arena (strings, sub-byte types).</summary>
    public static int SizeOf(this ElementType type) => type switch
    {
        ElementType.Float32 or ElementType.Int32 or ElementType.UInt32 => 4,
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 1,
        ElementType.UInt16 or ElementType.Int16 or ElementType.Float16 or ElementType.BFloat16 => 2,
        ElementType.Int64 or ElementType.UInt64 or ElementType.Float64 or ElementType.Complex64 => 8,
        ElementType.Complex128 => 16,
        _ => 0,
    };

    /// <summary>The lower-case name ONNX documentation uses ("float", "int64", ...).</summary>
    public static string OnnxName(this ElementType type) => type switch
    {
        ElementType.Float32 => "float",
        ElementType.Float64 => "double",
        ElementType.Float16 => "float16",
        ElementType.BFloat16 => "bfloat16",
        _ => type.ToString().ToLowerInvariant(),
    };

    public static bool IsFloatingPoint(this ElementType type) =>
        type is ElementType.Float32 or ElementType.Float64 or ElementType.Float16 or ElementType.BFloat16;
}
