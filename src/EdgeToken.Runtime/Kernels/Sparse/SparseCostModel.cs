using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>Whether a pruned layer runs faster on the sparse N:M kernel than on the dense one. A layer that would not
/// stays dense, and the report says why.</summary>
/// <remarks>The model counts vector operations per x row. Dense: rows · k / L multiply-add steps (L = lanes of the path:
/// 16 for int8 on 128-bit widening, 32 on AVX2, 64 on AVX-512BW; 8 for float on AVX2). Sparse: rows · kept / L for the
/// same dots, plus panels · k / B gather shuffles (B = 16 int8 inputs or 8 floats per shuffle) weighted by
/// <see cref="GatherCost"/>, plus <see cref="RowOverhead"/> steps per row for the shorter dots' reductions. Sparse is
/// chosen when it is at most <see cref="Margin"/> of dense, so a layer on the fence stays dense. Unstructured sparsity has
/// no kernel here (a CSR walk is scalar; at 50 % it loses to any SIMD dense dot by an order of magnitude), so it
/// always stays dense: it still shrinks nothing in the plan, which the report states.</remarks>
public static partial class SparseCostModel
{
    /// <summary>A gather shuffle (load, shuffle, store) costs about one multiply-add step: calibrated on the
    /// <c>SparseVsDense</c> benchmark (Zen 4, AVX-512BW + VBMI, one thread, k = n = 256/512): 2:4 with panels of 8 rows
    /// ran 1.7x / 2.1x faster than dense int8 and per-row 2:4 (panel 1) 1.4x to 1.8x slower, which this constant
    /// reproduces (sparse for the first, dense for the second).</summary>
    /// <remarks>Checked again against the tiled int8 kernel and what a generated class runs for the dense layer (packed
    /// GEMV, requantization included) on 2026-11-24, k = n = 128/256/512/1024: predicted 1.17x/1.28x/1.41x/1.54x,
    /// measured 1.05x/1.32x/1.41x/1.69x; the fence (<see cref="Margin"/>) keeps k = 128 dense.</remarks>
    public const double GatherCost = 1;
    /// <summary>Per-row fixed cost of an int8 dot product or of a dense row: reduction, loop set-up, the tail.</summary>
    public const double RowOverhead = 4;
    /// <summary>Per-row fixed cost of the float sparse kernel, which runs one dot product per row (a call, a horizontal
    /// sum of two vectors, the tail) where the dense float GEMV keeps four vectors of outputs in registers: calibrated
    /// on <c>SparseVsDense</c> 2026-11-24 against the generated class's dense <c>Gemv</c>, where 2:4 ran 1.3x slower at
    /// k = 128 and 1.25x / 1.9x faster at k = 256 / 512. With it k = 128 stays dense, k = 256 stays dense by a small
    /// margin (a speed-up left on the table, never a slowdown) and k >= 512 goes sparse.</summary>
    public const double FloatSparseRowOverhead = 12;
    public const double Margin = 0.8;

    public static (bool Sparse, string Reason) Decide(bool int8, int k, int rows, int n, int m, int panel)
    {
        if (m > NmSparse.MaxM || k % m != 0) return (false, $"{n}:{m} needs M <= {NmSparse.MaxM} dividing k={k}");
        int lanes = int8 ? Int8Paths.Best switch { Int8Path.Avx512BW => 64, Int8Path.Avx2 or Int8Path.AvxVnni => 32, Int8Path.Scalar => 1, _ => 16 } : 8;
        int block = int8 ? NmGather.Int8BlockFor(n, m) : NmGather.FloatBlock;
        int kept = NmSparse.Kept(k, n, m);
        double dense = rows * (Math.Ceiling((double)k / lanes) + RowOverhead);
        double gather = NmGather.IsAccelerated(int8) ? GatherCost * k / block : kept * 1.0;
        double sparse = rows * (Math.Ceiling((double)kept / lanes) + (int8 ? RowOverhead : FloatSparseRowOverhead)) + NmSparse.Panels(rows, panel) * gather;
        double ratio = sparse / dense;
        return ratio <= Margin
            ? (true, $"sparse: estimated {1 / ratio:F2}x faster than dense")
            : (false, $"dense: sparse estimated {ratio:F2}x the dense cost (above {Margin})");
    }
}
