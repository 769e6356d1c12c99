using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>EdgeToken's sparse fully connected layers, written by the compiler's sparse rewrite (never in an imported
/// model). Inputs: x [M, K]; values [N, kept] and indices uint8 [panels, ceil(kept / 4)] (<see cref="NmSparse"/>), both
/// constants; bias [N] (int32 for the int8 layer, float otherwise; optional for float). Attributes: <c>k</c>,
/// <c>nm_n</c>, <c>nm_m</c>, <c>panel</c>; the int8 layer adds <see cref="QGemm"/>'s requantization attributes and
/// <see cref="TiledAttribute"/>, the float one a fused activation.</summary>
public static class SparseGemmOps
{
    public const string Float = "EdgeToken.SparseGemm";
    public const string Int8 = "EdgeToken.QSparseGemm";

    /// <summary>int8 attribute: 1 when the values are stored in <see cref="NmTiles"/>' order (the compiler writes it
    /// whenever the panel is a multiple of <see cref="NmTiles.Rows"/>), 0 or absent for row-major [rows, kept]. The tensor's
    /// dims stay [rows, kept] either way.</summary>
    public const string TiledAttribute = "tiled";
}

internal readonly record struct NmShape(int K, int N, int M, int Panel, int Rows)
{
    public int Kept => NmSparse.Kept(K, N, M);

    public static NmShape From(NodeContext node)
    {
        var a = node.Attributes;
        var shape = new NmShape((int)a.GetInt("k", 0), (int)a.GetInt("nm_n", 2), (int)a.GetInt("nm_m", 4), (int)a.GetInt("panel", 1), node.Input(1).Dims[0]);
        var x = node.Input(0).Dims;
        var v = node.Input(1).Dims;
        var i = node.Input(2).Dims;
        if (x.Length != 2 || x[1] != shape.K || shape.M > NmSparse.MaxM || shape.N <= 0 || shape.N >= shape.M || shape.K % shape.M != 0 || shape.Panel <= 0
            || v.Length != 2 || v[1] != shape.Kept || i.Length != 2 || i[0] != NmSparse.Panels(shape.Rows, shape.Panel) || i[1] != NmSparse.IndexBytesPerPanel(shape.Kept))
            throw new ShapeException($"{node.OpType} '{node.NodeName}': x {Shape.Format(x)}, values {Shape.Format(v)}, indices {Shape.Format(i)} do not fit {shape.N}:{shape.M} with k={shape.K}, panel {shape.Panel}");
        return shape;
    }
}

internal sealed class SparseGemmOperator : OperatorDefinition
{
    public override string OpType => SparseGemmOps.Float;

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, ElementType.Float32);
        node.ExpectType(1, ElementType.Float32);
        node.ExpectType(2, ElementType.UInt8);
        var s = NmShape.From(node);
        if (node.HasInput(3) && node.Input(3).ElementCount != s.Rows) throw new ShapeException($"{OpType} '{node.NodeName}': bias of {node.Input(3).ElementCount} for {s.Rows} outputs");
        node.SetOutput(0, ElementType.Float32, [node.Input(0).Dims[0], s.Rows]);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var s = NmShape.From(node);
        var indices = node.RequireConstant(2, "indices").AsSpan<byte>();
        var control = NmSparse.GatherControl(indices, s.Rows, s.K, s.N, s.M, s.Panel, NmGather.FloatBlock, NmGather.FloatBlock);
        return new SparseGemmKernel(node.Input(0).Dims[0], s, control, node.HasInput(3), FusedActivation.From(node.Attributes));
    }

    private sealed class SparseGemmKernel(int m, NmShape s, byte[] control, bool hasBias, FusedActivation activation) : Kernel
    {
        public override int ScratchBytes => SparseGemm.ScratchFloats(s.K, s.N, s.M) * sizeof(float);

        public override void Run(in KernelArgs args)
        {
            var y = args.Output<float>(0);
            SparseGemm.Run(args.Input<float>(0), args.Input<float>(1), args.Input<byte>(2), control, y, m, s.K, s.Rows, s.N, s.M, s.Panel,
                args.ScratchAs<float>(0, SparseGemm.ScratchFloats(s.K, s.N, s.M)));
            if (hasBias)
            {
                var bias = args.Input<float>(3);
                for (int i = 0; i < m; i++)
                    for (int r = 0; r < s.Rows; r++) y[i * s.Rows + r] += bias[r];
            }
            if (!activation.IsNone) activation.Apply(y);
        }
    }
}

internal sealed class QSparseGemmOperator : OperatorDefinition
{
    public override string OpType => SparseGemmOps.Int8;

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, ElementType.Int8);
        node.ExpectType(1, ElementType.Int8);
        node.ExpectType(2, ElementType.UInt8);
        node.ExpectType(3, ElementType.Int32);
        var s = NmShape.From(node);
        if (node.Input(3).ElementCount != s.Rows) throw new ShapeException($"{OpType} '{node.NodeName}': bias of {node.Input(3).ElementCount} for {s.Rows} outputs");
        node.SetOutput(0, ElementType.Int8, [node.Input(0).Dims[0], s.Rows]);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var s = NmShape.From(node);
        var a = node.Attributes;
        long[] multipliers = a.GetInts("multipliers") ?? throw new ShapeException($"{OpType} '{node.NodeName}': missing attribute multipliers");
        long[] shifts = a.GetInts("shifts") ?? throw new ShapeException($"{OpType} '{node.NodeName}': missing attribute shifts");
        if (multipliers.Length != shifts.Length || (multipliers.Length != 1 && multipliers.Length != s.Rows))
            throw new ShapeException($"{OpType} '{node.NodeName}': {multipliers.Length} multipliers and {shifts.Length} shifts for {s.Rows} output channels");
        bool tiled = a.GetInt(SparseGemmOps.TiledAttribute, 0) != 0;
        if (tiled && !NmTiles.CanTile(s.Panel))
            throw new ShapeException($"{OpType} '{node.NodeName}': tiled values need a panel that is a multiple of {NmTiles.Rows}, not {s.Panel}");
        int block = NmGather.Int8BlockFor(s.N, s.M);
        var control = NmSparse.GatherControl(node.RequireConstant(2, "indices").AsSpan<byte>(), s.Rows, s.K, s.N, s.M, s.Panel, block, NmGather.Int8Block);
        int[]? rowSums = tiled ? SparseInt8Gemm.RowSums(node.RequireConstant(1, "values").AsSpan<sbyte>(), s.Rows, s.Kept) : null;
        return new QSparseGemmKernel(node.Input(0).Dims[0], s, control, block, rowSums, multipliers.Select(v => (int)v).ToArray(), shifts.Select(v => (int)v).ToArray(),
            (int)a.GetInt("output_zero_point", 0), (int)a.GetInt("min", sbyte.MinValue), (int)a.GetInt("max", sbyte.MaxValue));
    }

    /// <summary>The requantization takes the multipliers and shifts as two int arrays, the vector overload of
    /// <see cref="Requantize.Row(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, int, int, Span{sbyte})"/>
    /// (the same integers as the per-element one, which cost as much as the 2:4 product itself at k = 256).</summary>
    private sealed class QSparseGemmKernel(int m, NmShape s, byte[] control, int block, int[]? rowSums, int[] multipliers, int[] shifts, int zeroPoint, int min, int max) : Kernel
    {
        private int Accumulators => m * s.Rows * sizeof(int);

        public override int ScratchBytes => Accumulators + SparseInt8Gemm.ScratchBytes(s.K, s.N, s.M);

        public override void Run(in KernelArgs args)
        {
            var acc = args.ScratchAs<int>(0, m * s.Rows);
            var gathered = args.ScratchAs<sbyte>(Accumulators, SparseInt8Gemm.ScratchBytes(s.K, s.N, s.M));
            var y = args.Output<sbyte>(0);
            var bias = args.Input<int>(3);
            if (rowSums is not null) SparseInt8Gemm.RunTiled(Int8Paths.Best, args.Input<sbyte>(0), args.Input<sbyte>(1), rowSums, args.Input<byte>(2), control, acc, m, s.K, s.Rows, s.N, s.M, s.Panel, gathered, block);
            else SparseInt8Gemm.Run(Int8Paths.Best, args.Input<sbyte>(0), args.Input<sbyte>(1), args.Input<byte>(2), control, acc, m, s.K, s.Rows, s.N, s.M, s.Panel, gathered, block);
            for (int i = 0; i < m; i++)
                Requantize.Row(acc.Slice(i * s.Rows, s.Rows), bias, multipliers, shifts, zeroPoint, min, max, y.Slice(i * s.Rows, s.Rows));
        }
    }
}
