using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>How the innermost run of a broadcast binary operation reads its two operands.</summary>
internal enum InnerRun : byte
{
    /// <summary>Both operands advance with the output: a plain element-wise loop.</summary>
    BothVectors,
    /// <summary>A advances, B is one value for the whole run.</summary>
    ScalarB,
    /// <summary>A is one value for the whole run, B advances.</summary>
    ScalarA,
    /// <summary>Neither advances: the run is one value repeated.</summary>
    BothScalars,
}

/// <summary>Numpy multidirectional broadcasting of two operands to an output shape, reduced to
/// an odometer over "outer" dimensions and one contiguous "inner" run that the vector loops take whole.</summary>
/// <remarks>Dimensions of size 1 are dropped and neighbours with the same broadcast pattern are merged, so
/// the common cases collapse to one inner run: same shapes (one run of everything), a scalar operand (one
/// run with <see cref="InnerRun.ScalarB"/>), a row repeated over leading dimensions (outer = rows, inner = row)
/// and a per-channel operand such as [C,1,1] (outer = N·C, inner = H·W with a scalar B).</remarks>
internal sealed class BroadcastPlan
{
    private BroadcastPlan(int[] outerDims, int[] outerStrideA, int[] outerStrideB, int inner, InnerRun run)
    {
        OuterDims = outerDims;
        OuterStrideA = outerStrideA;
        OuterStrideB = outerStrideB;
        Inner = inner;
        Run = run;
        long count = 1;
        foreach (int d in outerDims) count *= d;
        OuterCount = inner == 0 ? 0 : count;
    }

    public int[] OuterDims { get; }
    public int[] OuterStrideA { get; }
    public int[] OuterStrideB { get; }
    public int OuterRank => OuterDims.Length;
    /// <summary>Number of inner runs (0 when the output is empty).</summary>
    public long OuterCount { get; }
    /// <summary>Length of one inner run; output runs are laid end to end.</summary>
    public int Inner { get; }
    public InnerRun Run { get; }

    /// <summary>Plans <paramref name="a"/> and <paramref name="b"/> broadcast to <paramref name="output"/>
    /// (which must be their broadcast shape, or for unidirectional broadcasting, A's shape).</summary>
    public static BroadcastPlan Create(ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<int> output)
    {
        int rank = output.Length;
        if (a.Length > rank || b.Length > rank)
            throw new ShapeException($"cannot broadcast {Shape.Format(a)} and {Shape.Format(b)} to {Shape.Format(output)}");
        if (Shape.ElementCount(output) == 0)
            return new BroadcastPlan([], [], [], 0, InnerRun.BothVectors);

        // Per output dimension: its size and whether each operand spans it (true) or repeats along it (false).
        var dims = new List<(int Size, bool A, bool B)>(rank);
        for (int i = 0; i < rank; i++)
        {
            int size = output[i];
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if ((da != size && da != 1) || (db != size && db != 1))
                throw new ShapeException($"cannot broadcast {Shape.Format(a)} and {Shape.Format(b)} to {Shape.Format(output)} (dimension {i})");
            if (size == 1) continue;
            bool spansA = da == size, spansB = db == size;
            if (dims.Count > 0 && dims[^1].A == spansA && dims[^1].B == spansB)
                dims[^1] = (dims[^1].Size * size, spansA, spansB);
            else
                dims.Add((size, spansA, spansB));
        }
        if (dims.Count == 0) dims.Add((1, true, true));

        int n = dims.Count;
        var strideA = new int[n];
        var strideB = new int[n];
        int runA = 1, runB = 1;
        for (int i = n - 1; i >= 0; i--)
        {
            strideA[i] = dims[i].A ? runA : 0;
            strideB[i] = dims[i].B ? runB : 0;
            if (dims[i].A) runA *= dims[i].Size;
            if (dims[i].B) runB *= dims[i].Size;
        }

        var last = dims[n - 1];
        var run = (last.A, last.B) switch
        {
            (true, true) => InnerRun.BothVectors,
            (true, false) => InnerRun.ScalarB,
            (false, true) => InnerRun.ScalarA,
            _ => InnerRun.BothScalars,
        };
        var outerDims = new int[n - 1];
        for (int i = 0; i < n - 1; i++) outerDims[i] = dims[i].Size;
        return new BroadcastPlan(outerDims, strideA[..^1], strideB[..^1], last.Size, run);
    }
}

/// <summary>Walks the outer dimensions of a <see cref="BroadcastPlan"/> like an odometer, keeping the
/// offsets of A and B for the current inner run. The digits live in caller-provided (stack) memory.</summary>
internal ref struct BroadcastCursor
{
    private readonly BroadcastPlan _plan;
    private readonly Span<int> _digits;

    public BroadcastCursor(BroadcastPlan plan, Span<int> digits)
    {
        _plan = plan;
        _digits = digits;
        _digits.Clear();
        OffsetA = 0;
        OffsetB = 0;
    }

    public int OffsetA { get; private set; }
    public int OffsetB { get; private set; }

    public void MoveNext()
    {
        var dims = _plan.OuterDims;
        var sa = _plan.OuterStrideA;
        var sb = _plan.OuterStrideB;
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            OffsetA += sa[d];
            OffsetB += sb[d];
            if (++_digits[d] < dims[d]) return;
            OffsetA -= sa[d] * dims[d];
            OffsetB -= sb[d] * dims[d];
            _digits[d] = 0;
        }
    }
}
