using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>numpy matmul shapes for the integer MatMuls: a [..., M, K] times b [..., K, N] with broadcast batch
/// dimensions; a 1-D a is a row [1, K] and a 1-D b a column [K, 1], whose unit dimension the output drops.
/// For every output matrix, the index of the a and b matrices it multiplies is precomputed.</summary>
internal sealed class MatMulGeometry
{
    public int M { get; private init; }
    public int K { get; private init; }
    public int N { get; private init; }
    public int[] OutputDims { get; private init; } = [];
    public int[] ABatch { get; private init; } = [];
    public int[] BBatch { get; private init; } = [];
    public int ABatchCount { get; private init; }
    public int BBatchCount { get; private init; }

    public static MatMulGeometry Create(NodeContext node, int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0) throw new ShapeException($"{node.OpType} '{node.NodeName}': matmul inputs must have rank >= 1");
        int[] a2 = a.Length == 1 ? [1, a[0]] : a;
        int[] b2 = b.Length == 1 ? [b[0], 1] : b;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        if (b2[^2] != k)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': {Shape.Format(a)} times {Shape.Format(b)}: inner dimensions {k} and {b2[^2]} differ");
        var aBatchDims = a2[..^2];
        var bBatchDims = b2[..^2];
        var batchDims = Shape.Broadcast(aBatchDims, bBatchDims);
        int batches = (int)Shape.ElementCount(batchDims);
        var aIndex = new int[batches];
        var bIndex = new int[batches];
        var aStrides = BroadcastStrides(aBatchDims, batchDims);
        var bStrides = BroadcastStrides(bBatchDims, batchDims);
        for (int i = 0; i < batches; i++)
        {
            int rest = i;
            for (int d = batchDims.Length - 1; d >= 0; d--)
            {
                int c = rest % batchDims[d];
                rest /= batchDims[d];
                aIndex[i] += c * aStrides[d];
                bIndex[i] += c * bStrides[d];
            }
        }
        var outDims = new List<int>(batchDims);
        if (a.Length > 1) outDims.Add(m);
        if (b.Length > 1) outDims.Add(n);
        return new MatMulGeometry
        {
            M = m, K = k, N = n, OutputDims = outDims.ToArray(), ABatch = aIndex, BBatch = bIndex,
            ABatchCount = (int)Shape.ElementCount(aBatchDims), BBatchCount = (int)Shape.ElementCount(bBatchDims),
        };
    }

    private static int[] BroadcastStrides(int[] dims, int[] outDims)
    {
        var strides = Shape.Strides(dims);
        var result = new int[outDims.Length];
        int shift = outDims.Length - dims.Length;
        for (int i = shift; i < outDims.Length; i++) result[i] = dims[i - shift] == 1 ? 0 : strides[i - shift];
        return result;
    }

    /// <summary>Checks a per-tensor, per-row (M) or per-batch-row parameter of a (or per-column (N) of b).</summary>
    public static void CheckParameter(NodeContext node, int input, string what, int perRow, int batches)
    {
        if (!node.HasInput(input)) return;
        long count = node.Input(input).ElementCount;
        if (count != 1 && count != perRow && count != (long)perRow * batches)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': {what} {Shape.Format(node.Input(input).Dims)} is neither a scalar nor one per {(what.StartsWith('a') ? "row" : "column")}");
    }
}
