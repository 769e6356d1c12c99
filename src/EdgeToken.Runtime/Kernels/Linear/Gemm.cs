using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Linear;

/// <summary>Gemm: Y = alpha * A' * B' + beta * C, where A' and B' are A and B optionally transposed and C
/// broadcasts one way to [M, N]. Float32.</summary>
internal sealed partial class GemmOperator : OperatorDefinition
{
    public override string OpType => "Gemm";

    public override void InferOutputs(NodeContext node)
    {
        var g = GemmShape.From(node);
        node.SetOutput(0, ElementType.Float32, [g.M, g.N]);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var g = GemmShape.From(node);
        float alpha = node.Attributes.GetFloat("alpha", 1f);
        float beta = node.Attributes.GetFloat("beta", 1f);
        // alpha goes into A's packing, so a constant B packs the same whatever alpha is.
        if (g.M == 1 && node.Constant(0) is null && node.Constant(1) is { } weights)
            return new GemvKernel(g, alpha, beta, weights.AsSpan<float>(), FusedActivation.From(node.Attributes));
        float[]? packedA = null, packedB = null;
        if (node.Constant(0) is { } a)
        {
            packedA = new float[Sgemm.PackedASize(g.M, g.K)];
            Sgemm.PackA(a.AsSpan<float>(), g.M, g.K, g.ARow, g.ACol, alpha, packedA);
        }
        if (node.Constant(1) is { } b)
        {
            packedB = new float[Sgemm.PackedBSize(g.K, g.N)];
            Sgemm.PackB(b.AsSpan<float>(), g.K, g.N, g.BRow, g.BCol, 1f, packedB);
        }
        return new GemmKernel(g, alpha, beta, packedA, packedB, FusedActivation.From(node.Attributes));
    }

    /// <summary>Sizes and layouts of one Gemm node, checked against the spec.</summary>
    internal readonly record struct GemmShape(int M, int N, int K, int ARow, int ACol, int BRow, int BCol, bool HasC, int CRows, int CCols)
    {
        public static GemmShape From(NodeContext node)
        {
            node.ExpectType(0, ElementType.Float32);
            node.ExpectType(1, ElementType.Float32);
            var a = node.Input(0).Dims;
            var b = node.Input(1).Dims;
            if (a.Length != 2 || b.Length != 2)
                throw new ShapeException($"Gemm '{node.NodeName}': A and B must be matrices, got {Shape.Format(a)} and {Shape.Format(b)}");
            bool transA = node.Attributes.GetInt("transA", 0) != 0;
            bool transB = node.Attributes.GetInt("transB", 0) != 0;
            int m = transA ? a[1] : a[0], k = transA ? a[0] : a[1];
            int kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
            if (k != kb)
                throw new ShapeException($"Gemm '{node.NodeName}': inner dimensions differ (A' is {m}x{k}, B' is {kb}x{n})");
            bool hasC = node.HasInput(2);
            int cRows = 1, cCols = 1;
            if (hasC)
            {
                node.ExpectType(2, ElementType.Float32);
                var c = node.Input(2).Dims;
                if (c.Length > 2) throw new ShapeException($"Gemm '{node.NodeName}': C has rank {c.Length}");
                cCols = c.Length >= 1 ? c[^1] : 1;
                cRows = c.Length == 2 ? c[0] : 1;
                if ((cRows != 1 && cRows != m) || (cCols != 1 && cCols != n))
                    throw new ShapeException($"Gemm '{node.NodeName}': C {Shape.Format(c)} does not broadcast to [{m}x{n}]");
            }
            return new GemmShape(m, n, k, transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1, hasC, cRows, cCols);
        }
    }

    private sealed class GemmKernel(GemmShape g, float alpha, float beta, float[]? packedA, float[]? packedB, FusedActivation activation) : Kernel
    {
        private readonly int _aFloats = packedA is null ? Sgemm.PackedASize(g.M, g.K) : 0;
        private readonly int _bFloats = packedB is null ? Sgemm.PackedBSize(g.K, g.N) : 0;

        public override int ScratchBytes => (_aFloats + _bFloats) * sizeof(float);

        public override void Run(in KernelArgs args)
        {
            var y = args.Output<float>(0);
            if (g.HasC && beta != 0f) BroadcastC(args.Input<float>(2), beta, y);
            else y.Clear();

            ReadOnlySpan<float> pa = packedA;
            if (packedA is null)
            {
                var s = args.ScratchAs<float>(0, _aFloats);
                Sgemm.PackA(args.Input<float>(0), g.M, g.K, g.ARow, g.ACol, alpha, s);
                pa = s;
            }
            ReadOnlySpan<float> pb = packedB;
            if (packedB is null)
            {
                var s = args.ScratchAs<float>(_aFloats * sizeof(float), _bFloats);
                Sgemm.PackB(args.Input<float>(1), g.K, g.N, g.BRow, g.BCol, 1f, s);
                pb = s;
            }
            Sgemm.MultiplyAdd(pa, pb, g.M, g.N, g.K, y, g.N);
            activation.Apply(y);
        }

        private void BroadcastC(ReadOnlySpan<float> c, float scale, Span<float> y)
        {
            for (int i = 0; i < g.M; i++)
            {
                var row = y.Slice(i * g.N, g.N);
                int src = (g.CRows == 1 ? 0 : i) * g.CCols;
                if (g.CCols == 1) row.Fill(c[src] * scale);
                else System.Numerics.Tensors.TensorPrimitives.Multiply(c.Slice(src, g.N), scale, row);
            }
        }
    }
}
