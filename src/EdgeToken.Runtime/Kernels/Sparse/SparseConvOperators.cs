using EdgeToken.Runtime.Kernels.Convolution;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>What a sparse conv node says about its compressed weights: the dense weight's dims, N:M, the panel, and the
/// length of the axis the mask runs along (float: depth entries; int8: (channel pair, tap) units), padded to a multiple
/// of M.</summary>
internal readonly record struct NmConvShape(int[] WeightDims, int N, int M, int Panel, int Length)
{
    public int Rows => WeightDims[0];
    public int Kept => NmSparse.Kept(Length, N, M);

    public static NmConvShape From(NodeContext node, bool int8)
    {
        var a = node.Attributes;
        var dims = a.GetInts(SparseConv.WeightShape)?.Select(d => (int)d).ToArray();
        if (dims is null || dims.Length is not (3 or 4) || dims.Any(d => d <= 0))
            throw new ShapeException($"{node.OpType} '{node.NodeName}': attribute {SparseConv.WeightShape} must be the dense weight's [M, C, kernel...]");
        int taps = dims.Length == 4 ? dims[2] * dims[3] : dims[2];
        int m = (int)a.GetInt("nm_m", 4);
        int length = SparseConv.Padded(int8 ? SparseConv.Units(dims[1], taps) : dims[1] * taps, Math.Max(1, m));
        var s = new NmConvShape(dims, (int)a.GetInt("nm_n", 2), m, (int)a.GetInt("panel", 0), length);
        var v = node.Input(1).Dims;
        var i = node.Input(2).Dims;
        node.ExpectType(2, ElementType.UInt8);
        if (s.M > NmSparse.MaxM || s.N <= 0 || s.N >= s.M || length % s.M != 0 || !SparseConv.PanelFits(int8, s.Panel) || a.GetInt("group", 1) != 1
            || v.Length != 2 || v[0] != s.Rows || v[1] != s.Kept * (int8 ? 2 : 1)
            || i.Length != 2 || i[0] != NmSparse.Panels(s.Rows, s.Panel) || i[1] != NmSparse.IndexBytesPerPanel(s.Kept))
            throw new ShapeException($"{node.OpType} '{node.NodeName}': values {Shape.Format(v)}, indices {Shape.Format(i)} do not fit weights {Shape.Format(dims)} " +
                $"at {s.N}:{s.M} with panel {s.Panel} (ungrouped, panel a multiple of {(int8 ? Int8ShiftedRowsConv.MR : Linear.Sgemm.MR)})");
        return s;
    }
}

/// <summary><c>EdgeToken.SparseConv</c> (<see cref="SparseConv"/>) on <see cref="ShiftedRowsConvKernel"/> over the kept
/// depth entries.</summary>
internal sealed class SparseConvOperator : OperatorDefinition
{
    public override string OpType => SparseConv.Float;

    public override void InferOutputs(NodeContext node)
    {
        var s = NmConvShape.From(node, int8: false);
        node.SetOutput(0, ElementType.Float32, ConvGeometry.ForConv(node, s.WeightDims, biasInput: 3).OutputDims());
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var s = NmConvShape.From(node, int8: false);
        var g = ConvGeometry.ForConv(node, s.WeightDims, biasInput: 3);
        if (!ShiftedRowsConvKernel.Fits(g, s.Kept))
            throw new UnsupportedOperatorException($"{OpType} '{node.NodeName}': the sparse kernel runs 1-D and 2-D convolutions of at most 512 kept depth entries");
        return new ShiftedRowsConvKernel(g, node.RequireConstant(1, "values").AsSpan<float>(), node.RequireConstant(2, "indices").AsSpan<byte>(),
            s.N, s.M, s.Panel, node.HasInput(3), FusedActivation.From(node.Attributes));
    }
}

/// <summary><c>EdgeToken.QSparseConv</c> (<see cref="SparseConv"/>): <c>EdgeToken.QConv</c> with the sparse int8
/// shifted-rows kernel over the kept (channel pair, tap) units.</summary>
internal sealed class QSparseConvOperator : OperatorDefinition
{
    public override string OpType => SparseConv.Int8;

    public override void InferOutputs(NodeContext node)
    {
        var s = NmConvShape.From(node, int8: true);
        var g = QConvOperator.Geometry(node, s.WeightDims, biasInput: 3);
        var x = node.Input(0).Dims;
        node.SetOutput(0, ElementType.Int8, x.Length == 3 ? [x[0], g.OutChannels, g.OutW] : [x[0], g.OutChannels, g.OutH, g.OutW]);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var s = NmConvShape.From(node, int8: true);
        var g = QConvOperator.Geometry(node, s.WeightDims, biasInput: 3);
        var weights = Int8ConvWeights.FromSparse(g, node.RequireConstant(1, "values").AsSpan<sbyte>(), node.RequireConstant(2, "indices").AsSpan<byte>(),
            s.N, s.M, s.Panel, Int8Paths.Best);
        return QConvOperator.CreateKernel(node, g, weights, biasInput: 3);
    }
}
