using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Operators;

/// <summary>The attributes of one node, by name, with typed accessors that apply ONNX defaults.</summary>
public sealed class NodeAttributes
{
    public static readonly NodeAttributes Empty = new(new Dictionary<string, AttributeValue>());

    private readonly Dictionary<string, AttributeValue> _values;

    public NodeAttributes(Dictionary<string, AttributeValue> values) => _values = values;

    public IReadOnlyDictionary<string, AttributeValue> Values => _values;

    public bool Has(string name) => _values.ContainsKey(name);

    public bool TryGet(string name, out AttributeValue value) => _values.TryGetValue(name, out value!);

    public long GetInt(string name, long defaultValue) => _values.TryGetValue(name, out var v) ? Expect(name, v, AttributeKind.Int).Int : defaultValue;

    public float GetFloat(string name, float defaultValue) => _values.TryGetValue(name, out var v) ? Expect(name, v, AttributeKind.Float).Float : defaultValue;

    public string GetString(string name, string defaultValue) => _values.TryGetValue(name, out var v) ? Expect(name, v, AttributeKind.String).String : defaultValue;

    public long[]? GetInts(string name) => _values.TryGetValue(name, out var v) ? Expect(name, v, AttributeKind.Ints).Ints : null;

    public float[]? GetFloats(string name) => _values.TryGetValue(name, out var v) ? Expect(name, v, AttributeKind.Floats).Floats : null;

    public string[]? GetStrings(string name) => _values.TryGetValue(name, out var v) ? Expect(name, v, AttributeKind.Strings).Strings : null;

    public ConstantTensor? GetTensor(string name) => _values.TryGetValue(name, out var v) ? Expect(name, v, AttributeKind.Tensor).Tensor : null;

    /// <summary>A copy with one attribute added or replaced (used by fusion passes).</summary>
    public NodeAttributes With(string name, AttributeValue value)
    {
        var copy = new Dictionary<string, AttributeValue>(_values, StringComparer.Ordinal) { [name] = value };
        return new NodeAttributes(copy);
    }

    public NodeAttributes Without(string name)
    {
        var copy = new Dictionary<string, AttributeValue>(_values, StringComparer.Ordinal);
        copy.Remove(name);
        return new NodeAttributes(copy);
    }

    private static AttributeValue Expect(string name, AttributeValue value, AttributeKind kind) =>
        value.Kind == kind ? value : throw new ShapeException($"attribute '{name}' should be {kind} but is {value.Kind}");
}
