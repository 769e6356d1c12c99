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
    /// <remarks>Calibrated on <c>SparseVsDense</c>'s conv cases (see the benchmark's remarks for the numbers).</remarks>
    public const double ConvTileOverhead = 8;

    /// <summary>Whether an ungrouped N:M-pruned convolution of <paramref name="channels"/> inputs and
    /// <paramref name="taps"/> kernel taps runs faster sparse. <paramref name="denseU8"/>: the dense int8 kernel would take
    /// its u8 path (7-bit weights).</summary>
    public static (bool Sparse, string Reason) DecideConv(bool int8, int channels, int taps, int n, int m, bool denseU8 = false)
    {
        int length = int8 ? SparseConv.Units(channels, taps) : channels * taps;
        string unit = int8 ? "(channel pair, tap) units" : "depth";
        if (m > NmSparse.MaxM || length % m != 0) return (false, $"dense: {n}:{m} needs M <= {NmSparse.MaxM} dividing the {unit} ({length})");
        double dense = (int8 && denseU8 ? 1.5 * ((channels + 3) / 4) * taps : length) + ConvTileOverhead;
        double sparse = NmSparse.Kept(length, n, m) + ConvTileOverhead;
        double ratio = sparse / dense;
        return ratio <= Margin
            ? (true, $"sparse: estimated {1 / ratio:F2}x faster than dense")
            : (false, $"dense: sparse estimated {ratio:F2}x the dense cost (above {Margin})");
    }
}
