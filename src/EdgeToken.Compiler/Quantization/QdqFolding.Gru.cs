using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public sealed partial class QdqFolding
{
    /// <summary>A GRU whose W and R are <c>DequantizeLinear</c> of constant int8 values with zero points 0 and one scale, or
    /// one per row of [dirs·3·hidden, k] on axis 0 (then reshaped to [dirs, 3·hidden, k] by a constant Reshape: what
    /// <see cref="QdqExporter"/> writes), becomes <c>EdgeToken.QGru</c> on those very values and scales, so the export of a
    /// quantized GRU compiles back to the same int8 GRU. Only with the default gate functions, no sequence_lens and a
    /// constant B or none; anything else runs as the float GRU on the dequantized weights.</summary>
    private static bool TryFoldGru(Graph graph, Node node)
    {
        if (node.Input(0) is not { Type: ElementType.Float32, Dims: { Length: 3 } xDims } || node.Input(4) is not null) return false;
        if (node.Input(3) is { } b && b.Constant is null) return false;
        if (node.Attributes.GetStrings("activations") is { Length: > 0 } names)
            for (int i = 0; i < names.Length; i++)
                if (!string.Equals(names[i], i % 2 == 0 ? "Sigmoid" : "Tanh", StringComparison.OrdinalIgnoreCase)) return false;
        int hidden = (int)node.Attributes.GetInt("hidden_size", 0);
        int dirs = node.Attributes.GetString("direction", "forward") == "bidirectional" ? 2 : 1;
        if (hidden <= 0 || GruOutputs(node) == 0) return false;
        if (!TryInt8Rows(node.Input(1), dirs * 3 * hidden, xDims[2], out var w, out var ws)
            || !TryInt8Rows(node.Input(2), dirs * 3 * hidden, hidden, out var r, out var rs)) return false;
        Quantizer.ReplaceByQGru(graph, node, hidden, Quantizer.PackGruRows(w, dirs, hidden, xDims[2]), ws, Quantizer.PackGruRows(r, dirs, hidden, hidden), rs);
        return true;
    }

    private static int GruOutputs(Node node) => node.Outputs.Count(o => o is not null);

    /// <summary>The int8 rows [rows, k] and one scale per row behind a weight input: DequantizeLinear of a constant int8
    /// tensor of rows·k values with zero points 0 and one scale (repeated) or one per row on axis 0 of [rows, k], possibly
    /// through a Reshape with a constant shape.</summary>
    private static bool TryInt8Rows(Value? weight, int rows, int k, out sbyte[] values, out float[] scales)
    {
        values = [];
        scales = [];
        var dq = weight?.Producer;
        if (dq is { OpType: "Reshape" } reshape && reshape.Input(1)?.Constant is not null) dq = reshape.Input(0)?.Producer;
        if (dq is not { OpType: "DequantizeLinear" } || dq.Input(0)?.Constant is not { Type: ElementType.Int8 } q || q.ElementCount != (long)rows * k) return false;
        if (dq.Input(1)?.Constant is not { Type: ElementType.Float32 } s) return false;
        if (dq.Input(2) is { } z && (z.Constant is not { } zc || zc.ToDoubleArray().Any(v => v != 0))) return false;
        if (dq.Attributes.Has("block_size") && dq.Attributes.GetInt("block_size", 0) != 0) return false;
        var given = s.AsSpan<float>();
        if (given.Length == 1) scales = Enumerable.Repeat(given[0], rows).ToArray();
        else if (given.Length == rows && q.Dims is [_, _] && dq.Attributes.GetInt("axis", 1) == 0) scales = given.ToArray();
        else return false;
        values = q.AsSpan<sbyte>().ToArray();
        return true;
    }
}
