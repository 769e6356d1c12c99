using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Pruning;

/// <summary>After N:M pruning (and quantization), moves each pruned fully connected layer onto the sparse kernels with
/// compressed weights (<see cref="NmSparse"/>) when <see cref="SparseCostModel"/> says it is faster; otherwise the layer
/// stays dense and the reason is kept for the report. int8 <c>EdgeToken.QGemm</c> becomes
/// <c>EdgeToken.QSparseGemm</c>; a float Gemm/MatMul with a constant 2-D weight becomes <c>EdgeToken.SparseGemm</c>.</summary>
public static class SparseRewriter
{
    public static List<SparseLayer> Rewrite(Graph graph, PruneOptions options, IReadOnlyCollection<string> pruned)
    {
        var result = new List<SparseLayer>();
        if (options.Pattern != PruningPattern.NM) return result;
        foreach (var node in graph.Nodes.ToList())
        {
            string origin = node.OpType is QGemm.OpType or QConv.OpType && node.Name.EndsWith("_int8", StringComparison.Ordinal) ? node.Name[..^5] : node.Name;
            if (!pruned.Contains(origin)) continue;
            if (node.OpType == QGemm.OpType) result.Add(RewriteInt8(node, origin, options));
            else if (node.OpType is "Gemm" or "MatMul" && FloatEligible(node)) result.Add(RewriteFloat(node, options));
            else if (node.OpType == "Conv" && LayerWeight.Of(node) is not null) result.Add(SparseConvRewriter.RewriteFloat(node, options));
            else if (node.OpType == QConv.OpType) result.Add(SparseConvRewriter.RewriteInt8(node, origin, options));
        }
        return result;
    }

    private static SparseLayer RewriteInt8(Node node, string name, PruneOptions o)
    {
        var w = node.Inputs[1]!;
        int rows = w.Dims![0], k = w.Dims[1];
        long dense = (long)rows * k;
        var (sparse, reason) = SparseCostModel.Decide(true, k, rows, o.N, o.M, o.Panel);
        if (!sparse) return new SparseLayer(name, false, reason, dense, dense);
        if (!NmSparse.TryCompress<sbyte>(w.Constant!.AsSpan<sbyte>(), rows, k, o.N, o.M, o.Panel, out var values, out var indices))
            return new SparseLayer(name, false, $"dense: int8 weights are not {o.N}:{o.M} with panel {o.Panel}", dense, dense);
        var bias = node.Inputs[2]!;
        // Panels of whole blocks of eight rows: the values in the tiled order the faster kernel reads (same bytes).
        bool tiled = NmTiles.CanTile(o.Panel);
        if (tiled) values = NmTiles.Tile<sbyte>(values, rows, NmSparse.Kept(k, o.N, o.M));
        node.OpType = SparseGemmOps.Int8;
        node.Attributes = WithShape(node.Attributes, k, o).With(SparseGemmOps.TiledAttribute, AttributeValue.Of(tiled ? 1L : 0L));
        var (v, i) = Constants(w.Name, ElementType.Int8, rows, values, indices);
        node.Inputs.RemoveRange(1, node.Inputs.Count - 1);
        node.Inputs.AddRange([v, i, bias]);
        return new SparseLayer(name, true, reason, dense, values.Length + indices.Length);
    }

    private static bool FloatEligible(Node node)
    {
        var x = node.Input(0);
        var c = node.Input(2);
        return LayerWeight.Of(node) is not null && x?.Dims is { Length: 2 }
            && node.Attributes.GetInt("transA", 0) == 0 && node.Attributes.GetFloat("alpha", 1f) == 1f && node.Attributes.GetFloat("beta", 1f) == 1f
            && (c is null || (c.Constant is not null && c.Type == ElementType.Float32 && c.Dims is { Length: 1 }));
    }

    private static SparseLayer RewriteFloat(Node node, PruneOptions o)
    {
        var layer = LayerWeight.Of(node)!;
        long dense = (long)layer.Rows * layer.Cols * 4;
        var (sparse, reason) = SparseCostModel.Decide(false, layer.Cols, layer.Rows, o.N, o.M, o.Panel);
        if (!sparse) return new SparseLayer(node.Name, false, reason, dense, dense);
        if (!NmSparse.TryCompress<float>(layer.Read(), layer.Rows, layer.Cols, o.N, o.M, o.Panel, out var values, out var indices))
            return new SparseLayer(node.Name, false, $"dense: weights are not {o.N}:{o.M} with panel {o.Panel}", dense, dense);
        var bias = node.Input(2);
        var a = node.Attributes;
        node.OpType = SparseGemmOps.Float;
        node.Attributes = WithShape(NodeAttributes.Empty
            .With(FusedActivation.AttributeName, AttributeValue.Of(a.GetString(FusedActivation.AttributeName, "")))
            .With(FusedActivation.AlphaName, AttributeValue.Of(a.GetFloat(FusedActivation.AlphaName, 0f)))
            .With(FusedActivation.BetaName, AttributeValue.Of(a.GetFloat(FusedActivation.BetaName, 0f))), layer.Cols, o);
        var (v, i) = Constants(layer.Weight.Name, ElementType.Float32, layer.Rows, values, indices);
        node.Inputs.RemoveRange(1, node.Inputs.Count - 1);
        node.Inputs.AddRange([v, i]);
        if (bias is not null) node.Inputs.Add(bias);
        return new SparseLayer(node.Name, true, reason, dense, values.Length * 4L + indices.Length);
    }

    internal static NodeAttributes WithShape(NodeAttributes a, int k, PruneOptions o) => a
        .With("k", AttributeValue.Of((long)k)).With("nm_n", AttributeValue.Of((long)o.N))
        .With("nm_m", AttributeValue.Of((long)o.M)).With("panel", AttributeValue.Of((long)o.Panel));

    /// <summary>values [rows, values per row] and indices [panels, bytes per panel for <paramref name="kept"/> positions per
    /// row: the values per row unless a position holds several values, as an int8 convolution's channel pairs do].</summary>
    internal static (Value Values, Value Indices) Constants<T>(string weight, ElementType type, int rows, T[] values, byte[] indices, int? kept = null)
        where T : unmanaged
    {
        int[] vdims = [rows, rows == 0 ? 0 : values.Length / rows];
        int perPanel = NmSparse.IndexBytesPerPanel(kept ?? vdims[1]);
        int[] idims = [perPanel == 0 ? 0 : indices.Length / perPanel, perPanel];
        return (new Value($"{weight}_nm_values") { Type = type, Dims = vdims, Constant = ConstantTensor.FromArray(type, vdims, values) },
            new Value($"{weight}_nm_indices") { Type = ElementType.UInt8, Dims = idims, Constant = ConstantTensor.FromArray(ElementType.UInt8, idims, indices) });
    }
}
