using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Convolution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Pruning;

/// <summary>The convolution half of <see cref="SparseRewriter"/>: an N:M-pruned ungrouped 1-D or 2-D Conv becomes
/// <c>EdgeToken.SparseConv</c> and its int8 form <c>EdgeToken.QSparseConv</c> (<see cref="SparseConv"/>), the weights
/// compressed, when <see cref="SparseCostModel.DecideConv"/> says it pays; otherwise it stays dense with the reason.
/// Grouped and depthwise convolutions stay dense: a depthwise filter has a few taps per output channel and nothing for
/// a panel of channels to share.</summary>
internal static class SparseConvRewriter
{
    public static SparseLayer RewriteFloat(Node node, PruneOptions o)
    {
        var layer = LayerWeight.Of(node)!;
        var dims = layer.Weight.Dims!;
        long dense = (long)layer.Rows * layer.Cols * 4;
        int taps = layer.Cols / dims[1];
        if (Refusal(node, dims, o.ConvPanel, int8: false) is { } why) return new SparseLayer(node.Name, false, why, dense, dense);
        var (sparse, reason) = SparseCostModel.DecideConv(false, dims[1], taps, o.N, o.M);
        if (!sparse) return new SparseLayer(node.Name, false, reason, dense, dense);
        int kept = NmSparse.Kept(SparseConv.Padded(layer.Cols, o.M), o.N, o.M);
        if (kept > ShiftedRowsConvKernel.MaxDepth)
            return new SparseLayer(node.Name, false, $"dense: {kept} kept depth entries, the sparse kernel takes at most {ShiftedRowsConvKernel.MaxDepth}", dense, dense);
        if (!SparseConv.TryCompressFloat(layer.Read(), layer.Rows, layer.Cols, o.N, o.M, o.ConvPanel, out var values, out var indices))
            return new SparseLayer(node.Name, false, $"dense: weights are not {o.N}:{o.M} along the depth with panel {o.ConvPanel} " +
                "(a layer the quantizer was to take is pruned over channel pairs, which the float kernel does not skip)", dense, dense);
        var bias = node.Input(2);
        node.OpType = SparseConv.Float;
        node.Attributes = WithShape(node.Attributes, dims, o);
        var (v, i) = SparseRewriter.Constants(layer.Weight.Name, ElementType.Float32, layer.Rows, values, indices, kept);
        node.Inputs.RemoveRange(1, node.Inputs.Count - 1);
        node.Inputs.AddRange([v, i]);
        if (bias is not null) node.Inputs.Add(bias);
        return new SparseLayer(node.Name, true, reason, dense, values.Length * 4L + indices.Length);
    }

    public static SparseLayer RewriteInt8(Node node, string name, PruneOptions o)
    {
        var w = node.Inputs[1]!;
        var dims = w.Dims!;
        int rows = dims[0], channels = dims[1], taps = (int)(Shape.ElementCount(dims) / rows / channels);
        long dense = Shape.ElementCount(dims);
        if (Refusal(node, dims, o.ConvPanel, int8: true) is { } why) return new SparseLayer(name, false, why, dense, dense);
        var strides = node.Attributes.GetInts("strides");
        var dilations = node.Attributes.GetInts("dilations");
        if (channels == 1 && rows == 1) return new SparseLayer(name, false, "dense: one input and one output channel run as a depthwise convolution", dense, dense);
        if (channels == 1 && strides?[^1] == 2 && (dilations?[^1] ?? 1) == 1)
            return new SparseLayer(name, false, "dense: one input channel strided by 2 runs on column pairs, not channel pairs", dense, dense);
        if (Int8ShiftedRowsConv.KernelPath(Int8Paths.Best) is null)
            return new SparseLayer(name, false, $"dense: no sparse int8 conv kernel on the {Int8Paths.Best} path", dense, dense);
        var weights = w.Constant!.AsSpan<sbyte>();
        var (sparse, reason) = SparseCostModel.DecideConv(true, channels, taps, o.N, o.M, DenseU8(weights, rows, channels, taps));
        if (!sparse) return new SparseLayer(name, false, reason, dense, dense);
        if (!SparseConv.TryCompressInt8(weights, rows, channels, taps, o.N, o.M, o.ConvPanel, out var values, out var indices))
            return new SparseLayer(name, false, $"dense: int8 weights are not {o.N}:{o.M} over (channel pair, tap) units with panel {o.ConvPanel} (pruned as a float model?)", dense, dense);
        var bias = node.Inputs[2]!;
        node.OpType = SparseConv.Int8;
        node.Attributes = WithShape(node.Attributes, dims, o);
        var (v, i) = SparseRewriter.Constants(w.Name, ElementType.Int8, rows, values, indices, NmSparse.Kept(SparseConv.Padded(SparseConv.Units(channels, taps), o.M), o.N, o.M));
        node.Inputs.RemoveRange(1, node.Inputs.Count - 1);
        node.Inputs.AddRange([v, i, bias]);
        return new SparseLayer(name, true, reason, dense, values.Length + indices.Length);
    }

    /// <summary>Why the convolution cannot run on the sparse kernels at all, or null.</summary>
    private static string? Refusal(Node node, int[] dims, int panel, bool int8)
    {
        if (node.Attributes.GetInt("group", 1) != 1) return "dense: grouped and depthwise convolutions have no sparse kernel";
        if (dims.Length is not (3 or 4)) return "dense: the sparse kernels run 1-D and 2-D convolutions";
        if (!SparseConv.PanelFits(int8, panel))
            return $"dense: masks shared by {panel} output channels split the kernel's blocks of {(int8 ? 4 : 6)} (conv panel must be a multiple of 12)";
        return null;
    }

    /// <summary>Whether the dense int8 kernel would run its u8 path on these weights with every pair fitting (see
    /// <c>Int8ShiftedRowsConv.U8S8</c>). Split 8-bit weights (<c>Int8ShiftedRowsConv.RunsU8</c> with remainders) count as
    /// the pair kernel: on dscnn2d's 16 -> 32 pointwise layer at 2:4 (6 % of its steps with a remainder) the dense split
    /// kernel took 2.03 µs and the sparse one about 1.5, where weighing the split as u8 had kept it dense.</summary>
    private static bool DenseU8(ReadOnlySpan<sbyte> w, int rows, int channels, int taps) =>
        Int8ShiftedRowsConv.RunsU8(w, rows, channels, taps, out double share) && share == 0;

    private static NodeAttributes WithShape(NodeAttributes a, int[] dims, PruneOptions o) => a
        .With(SparseConv.WeightShape, AttributeValue.Of(Array.ConvertAll(dims, d => (long)d)))
        .With("nm_n", AttributeValue.Of((long)o.N)).With("nm_m", AttributeValue.Of((long)o.M)).With("panel", AttributeValue.Of((long)o.ConvPanel));
}
