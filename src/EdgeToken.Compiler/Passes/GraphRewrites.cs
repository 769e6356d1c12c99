using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Passes;

/// <summary>Small queries and edits that several passes share.</summary>
internal static class GraphRewrites
{
    /// <summary>The only node reading <paramref name="value"/>, when exactly one does and the value is not a graph output.</summary>
    public static Node? SoleReader(Dictionary<Value, List<(Node Node, int Index)>> uses, Value value)
    {
        if (value.IsGraphOutput) return null;
        return uses.TryGetValue(value, out var list) && list.Count == 1 ? list[0].Node : null;
    }

    /// <summary>Makes <paramref name="producer"/> write <paramref name="replacement"/> where it wrote
    /// <paramref name="old"/> (the value a removed follower used to produce).</summary>
    public static void Redirect(Node producer, Value old, Value replacement)
    {
        int slot = producer.Outputs.IndexOf(old);
        producer.Outputs[slot] = replacement;
        replacement.Producer = producer;
        old.Producer = null;
    }

    /// <summary>A scalar (or one-element) float constant, or null.</summary>
    public static float? ScalarFloat(Value? value)
    {
        if (value?.Constant is not { ElementCount: 1 } c) return null;
        return c.Type is ElementType.Float32 or ElementType.Float64 or ElementType.Float16 ? (float)c.ElementAsDouble(0) : null;
    }

    public static float[]? Floats(Value? value) =>
        value?.Constant is { Type: ElementType.Float32 } c ? c.AsSpan<float>().ToArray() : null;

    public static Value NewConstant(string name, int[] dims, float[] values)
    {
        var c = ConstantTensor.FromArray(ElementType.Float32, dims, values);
        return new Value(name) { Type = ElementType.Float32, Dims = dims, Constant = c };
    }

    /// <summary>The reduction axes of a Reduce* node, from its attribute or (newer opsets) its second input.</summary>
    public static long[]? ReduceAxes(Graph graph, Node node)
    {
        if (node.Attributes.GetInts("axes") is { } attr) return attr;
        return node.Input(1)?.Constant?.ToInt64Array();
    }
}
