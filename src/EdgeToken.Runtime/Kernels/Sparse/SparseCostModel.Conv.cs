namespace EdgeToken.Runtime.Kernels.Sparse;

/// <remarks>Convolutions (<see cref="SparseConv"/>): the sparse kernels are the dense shifted-rows kernels over fewer depth
/// steps, with no gather (the kept taps are row offsets into the same padded input), so per block of output channels and
/// tile of pixels the model counts depth steps: dense = depth (int8: channel-pair units; 1.5 · channel quads when the
/// dense kernel takes its u8 path, three instructions per quad against two per pair), sparse = kept, both plus a fixed
/// cost per tile (<see cref="ConvTileOverhead"/>: the stores, the bias and activation or the requantization, the
/// padded copy of the input) that sparsity does not shrink.</remarks>
public static partial class SparseCostModel
{
    /// <summary>Depth steps a tile costs besides its multiply-adds, float and int8 alike.</summary>
    /// <remarks>Calibrated on <c>SparseConvVsDense</c> (Zen 4, AVX-512BW, 2026-11-24, docs/quantization.md "Sparse
    /// convolutions"): predicted 1.71x–1.95x for cnn1d's second and third, a pointwise and a 3x3 layer at 2:4, measured
    /// 1.57x–1.98x (float and int8, three runs, ±15 % between them); cnn1d's first (depth 15 padded to 16) predicted
    /// 1.29x / 1.44x (int8 / float), measured 1.31x / 1.37x; with 7-bit weights against the dense u8 kernel predicted
    /// 1.33x–1.36x, measured 1.27x–1.76x. A depth of 4 (one group) predicts 1.2x and stays dense: the fence
    /// (<see cref="Margin"/>).</remarks>
    public const double ConvTileOverhead = 8;

    /// <summary>Whether an ungrouped N:M-pruned convolution of <paramref name="channels"/> inputs and
    /// <paramref name="taps"/> kernel taps runs faster sparse. <paramref name="denseU8"/>: the dense int8 kernel would take
    /// its u8 path (7-bit weights).</summary>
    public static (bool Sparse, string Reason) DecideConv(bool int8, int channels, int taps, int n, int m, bool denseU8 = false)
    {
        int length = int8 ? SparseConv.Units(channels, taps) : channels * taps;
        if (m > NmSparse.MaxM || n <= 0 || n >= m) return (false, $"dense: the sparse kernels take N:M with 0 < N < M <= {NmSparse.MaxM}, not {n}:{m}");
        double dense = (int8 && denseU8 ? 1.5 * ((channels + 3) / 4) * taps : length) + ConvTileOverhead;
        // A length M does not divide is padded with zero entries, which the sparse kernel multiplies too.
        double sparse = NmSparse.Kept(SparseConv.Padded(length, m), n, m) + ConvTileOverhead;
        double ratio = sparse / dense;
        return ratio <= Margin
            ? (true, $"sparse: estimated {1 / ratio:F2}x faster than dense")
            : (false, $"dense: sparse estimated {ratio:F2}x the dense cost (above {Margin})");
    }
}
