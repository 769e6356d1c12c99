using EdgeToken.Compiler.Graphs;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Whether a model arrived already quantized: QDQ (QuantizeLinear/DequantizeLinear) or integer operators
/// (QLinearConv, QLinearMatMul, MatMulInteger, ConvInteger, DynamicQuantizeLinear). Such a model keeps the scales it came
/// with (<see cref="QdqFolding"/> maps its QDQ layers onto the int8 kernels); calibrating it again would stack a
/// second quantization on the first.</summary>
public static class PreQuantized
{
    private static readonly string[] OpTypes =
        ["QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul", "MatMulInteger", "ConvInteger", "DynamicQuantizeLinear"];

    /// <summary>"3 QuantizeLinear, 7 DequantizeLinear" for a quantized model, null for a float one.</summary>
    public static string? Describe(Graph graph)
    {
        var counts = graph.Nodes.Where(n => Array.IndexOf(OpTypes, n.OpType) >= 0).GroupBy(n => n.OpType)
            .OrderBy(g => Array.IndexOf(OpTypes, g.Key)).Select(g => $"{g.Count()} {g.Key}").ToList();
        return counts.Count == 0 ? null : string.Join(", ", counts);
    }
}
