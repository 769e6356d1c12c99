using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Linear;

/// <summary>MatMul with numpy semantics: a 1-D A gains (then loses) a leading 1, a 1-D B a trailing 1, and the
/// leading (batch) dimensions broadcast. Float32.</summary>
internal sealed class MatMulOperator : OperatorDefinition
{
    public override string OpType => "MatMul";

    public override void InferOutputs(NodeContext node) =>
        node.SetOutput(0, ElementType.Float32, MatMulShape.From(node).OutputDims);

    public override Kernel CreateKernel(NodeContext node)
    {
        var s = MatMulShape.From(node);
        float[]? packedB = null;
        if (s.N > 1 && node.Constant(1) is { } b)
        {
            // Weights are packed once here; each distinct B matrix of a batched constant gets its own panels.
            int size = Sgemm.PackedBSize(s.K, s.N);
            packedB = new float[size * s.BMatrixCount];
            var src = b.AsSpan<float>();
            for (int i = 0; i < s.BMatrixCount; i++)
                Sgemm.PackB(src.Slice(i * s.K * s.N), s.K, s.N, s.N, 1, 1f, packedB.AsSpan(i * size, size));
        }
        return new MatMulKernel(s, packedB, FusedActivation.From(node.Attributes));
    }

    /// <summary>The matrix sizes and, per output batch, which A and B matrices it multiplies.</summary>
    internal sealed class MatMulShape
    {
        public required int M { get; init; }
        public required int N { get; init; }
        public required int K { get; init; }
        public required int[] OutputDims { get; init; }
        public required int[] AMatrix { get; init; }
        public required int[] BMatrix { get; init; }
        public required int BMatrixCount { get; init; }
        public int BatchCount => AMatrix.Length;

        /// <summary>True when every batch uses the one B and the A matrices are consecutive: the batch then
        /// folds into M and the whole node is one matrix multiply.</summary>
        public bool FoldsIntoM
        {
            get
            {
                if (BMatrixCount != 1) return false;
                for (int i = 0; i < AMatrix.Length; i++) if (AMatrix[i] != i) return false;
                return true;
            }
        }

        public static MatMulShape From(NodeContext node)
        {
            node.ExpectType(0, ElementType.Float32);
            node.ExpectType(1, ElementType.Float32);
            var a = node.Input(0).Dims;
            var b = node.Input(1).Dims;
            if (a.Length == 0 || b.Length == 0)
                throw new ShapeException($"MatMul '{node.NodeName}': inputs must have rank >= 1, got {Shape.Format(a)} and {Shape.Format(b)}");
            int m = a.Length == 1 ? 1 : a[^2], k = a[^1];
            int kb = b.Length == 1 ? b[0] : b[^2], n = b.Length == 1 ? 1 : b[^1];
            if (k != kb)
                throw new ShapeException($"MatMul '{node.NodeName}': inner dimensions differ ({Shape.Format(a)} x {Shape.Format(b)})");
            var aBatch = a.Length > 2 ? a[..^2] : [];
            var bBatch = b.Length > 2 ? b[..^2] : [];
            var batch = Shape.Broadcast(aBatch, bBatch);
            var outDims = new List<int>(batch);
            if (a.Length > 1) outDims.Add(m);
            if (b.Length > 1) outDims.Add(n);
            int count = (int)Shape.ElementCount(batch);
            var aIndex = new int[count];
            var bIndex = new int[count];
            var aStrides = BroadcastStrides(aBatch, batch.Length);
            var bStrides = BroadcastStrides(bBatch, batch.Length);
            var idx = new int[batch.Length];
            for (int i = 0; i < count; i++)
            {
                int ai = 0, bi = 0;
                for (int d = 0; d < batch.Length; d++) { ai += idx[d] * aStrides[d]; bi += idx[d] * bStrides[d]; }
                aIndex[i] = ai;
                bIndex[i] = bi;
                for (int d = batch.Length - 1; d >= 0; d--)
                {
                    if (++idx[d] < batch[d]) break;
                    idx[d] = 0;
                }
            }
            return new MatMulShape
            {
                M = m, N = n, K = k, OutputDims = outDims.ToArray(), AMatrix = aIndex, BMatrix = bIndex,
                BMatrixCount = (int)Shape.ElementCount(bBatch),
            };
        }

        /// <summary>Matrix-index strides of one operand's batch dimensions, aligned right to the output's
        /// batch rank, 0 where the operand broadcasts.</summary>
        private static int[] BroadcastStrides(int[] dims, int rank)
        {
            var strides = new int[rank];
            int s = 1;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                strides[rank - dims.Length + d] = dims[d] == 1 ? 0 : s;
                s *= dims[d];
            }
            return strides;
        }
    }

    private sealed class MatMulKernel : Kernel
    {
        private readonly MatMulShape _s;
        private readonly float[]? _packedB;
        private readonly FusedActivation _activation;
        private readonly bool _fold;
        private readonly int _aFloats;
        private readonly int _bFloats;

        public MatMulKernel(MatMulShape s, float[]? packedB, FusedActivation activation)
        {
            _s = s;
            _packedB = packedB;
            _activation = activation;
            _fold = s.FoldsIntoM;
            bool vectorB = s.N == 1;
            _aFloats = vectorB ? 0 : Sgemm.PackedASize(_fold ? s.M * s.BatchCount : s.M, s.K);
            _bFloats = vectorB || packedB is not null ? 0 : Sgemm.PackedBSize(s.K, s.N);
        }

        public override int ScratchBytes => (_aFloats + _bFloats) * sizeof(float);

        public override void Run(in KernelArgs args)
        {
            var a = args.Input<float>(0);
            var b = args.Input<float>(1);
            var y = args.Output<float>(0);
            int m = _s.M, n = _s.N, k = _s.K;
            if (n == 1)
            {
                // Matrix times vector: each output is one dot product over contiguous memory.
                for (int bi = 0; bi < _s.BatchCount; bi++)
                {
                    var bv = b.Slice(_s.BMatrix[bi] * k, k);
                    var am = a.Slice(_s.AMatrix[bi] * m * k, m * k);
                    for (int i = 0; i < m; i++) y[bi * m + i] = TensorPrimitives.Dot(am.Slice(i * k, k), bv);
                }
            }
            else if (_fold)
            {
                int rows = m * _s.BatchCount;
                y.Slice(0, rows * n).Clear();
                var pa = args.ScratchAs<float>(0, _aFloats);
                Sgemm.PackA(a, rows, k, k, 1, 1f, pa);
                Sgemm.MultiplyAdd(pa, PackedB(args, b, 0), rows, n, k, y, n);
            }
            else
            {
                var pa = args.ScratchAs<float>(0, _aFloats);
                for (int bi = 0; bi < _s.BatchCount; bi++)
                {
                    var ym = y.Slice(bi * m * n, m * n);
                    ym.Clear();
                    Sgemm.PackA(a.Slice(_s.AMatrix[bi] * m * k, m * k), m, k, k, 1, 1f, pa);
                    Sgemm.MultiplyAdd(pa, PackedB(args, b, _s.BMatrix[bi]), m, n, k, ym, n);
                }
            }
            _activation.Apply(y);
        }

        private ReadOnlySpan<float> PackedB(in KernelArgs args, ReadOnlySpan<float> b, int matrix)
        {
            int size = Sgemm.PackedBSize(_s.K, _s.N);
            if (_packedB is not null) return _packedB.AsSpan(matrix * size, size);
            var pb = args.ScratchAs<float>(_aFloats * sizeof(float), _bFloats);
            Sgemm.PackB(b.Slice(matrix * _s.K * _s.N, _s.K * _s.N), _s.K, _s.N, _s.N, 1, 1f, pb);
            return pb;
        }
    }
}
