using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Operators;

public enum AttributeKind : byte
{
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Floats = 6,
    Ints = 7,
    Strings = 8,
}

/// <summary>One typed node attribute. The kinds are ONNX's (minus graphs, which EdgeToken does not run).</summary>
public sealed class AttributeValue
{
    private AttributeValue(AttributeKind kind) => Kind = kind;

    public AttributeKind Kind { get; }
    public float Float { get; private init; }
    public long Int { get; private init; }
    public string String { get; private init; } = "";
    public ConstantTensor? Tensor { get; private init; }
    public float[] Floats { get; private init; } = [];
    public long[] Ints { get; private init; } = [];
    public string[] Strings { get; private init; } = [];

    public static AttributeValue Of(float value) => new(AttributeKind.Float) { Float = value };
    public static AttributeValue Of(long value) => new(AttributeKind.Int) { Int = value };
    public static AttributeValue Of(string value) => new(AttributeKind.String) { String = value };
    public static AttributeValue Of(ConstantTensor value) => new(AttributeKind.Tensor) { Tensor = value };
    public static AttributeValue Of(float[] values) => new(AttributeKind.Floats) { Floats = values };
    public static AttributeValue Of(long[] values) => new(AttributeKind.Ints) { Ints = values };
    public static AttributeValue Of(string[] values) => new(AttributeKind.Strings) { Strings = values };

    public override string ToString() => Kind switch
    {
        AttributeKind.Float => Float.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AttributeKind.Int => Int.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AttributeKind.String => $"\"{String}\"",
        AttributeKind.Tensor => $"tensor {Shape.Format(Tensor!.Dims)}",
        AttributeKind.Floats => "[" + string.Join(", ", Floats) + "]",
        AttributeKind.Ints => "[" + string.Join(", ", Ints) + "]",
        AttributeKind.Strings => "[" + string.Join(", ", Strings) + "]",
        _ => Kind.ToString(),
    };
}
