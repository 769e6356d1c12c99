using EdgeToken.Runtime.Kernels.Sparse;

namespace EdgeToken.Runtime.Kernels.Int8;

// N:M-pruned weights (SparseConv): every block of MR output channels runs over its kept (channel pair, tap) units only.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>True when the weights are N:M-pruned and only the kept units run.</summary>
    public bool Sparse { get; }

    /// <summary>Whether the sparse form applies to <paramref name="g"/>: an ungrouped convolution whose plane pairs channels
    /// (not <see cref="ColumnPairsApply"/>, whose pairs are columns of one channel).</summary>
    public static bool SparseApplies(Int8ConvGeometry g) => Applies(g) && !ColumnPairsApply(g);

    /// <summary>An N:M-pruned convolution from <see cref="SparseConv.TryCompressInt8"/>'s form: the units are (channel pair,
    /// tap), masks shared by panels of <paramref name="panel"/> output channels, a multiple of <see cref="MR"/>, so each
    /// block of MR channels has one list of kept units. The packed weights are the kept int16 pairs [blocks][kept][MR],
    /// the plane and the runs the dense kernel's: the micro-kernels are the dense ones, which walk a list of unit offsets,
    /// over the block's kept units instead of all of them: depth · N / M multiply-adds instead of depth.</summary>
    /// <remarks>The u8 kernels (four channels of x + 128 per vpmaddubsw, for 7-bit weights) are not used: their unit
    /// would be a channel quad; a model quantized to 7 bits keeps its convolutions dense when the u8 kernel is
    /// faster (<see cref="SparseCostModel"/>).</remarks>
    public Int8ShiftedRowsConv(Int8ConvGeometry g, ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices, int n, int m, int panel)
        : this(g, values, indices, n, m, panel, dot: false) { }

    /// <param name="dot">Pack the kept units for ARM64's sdot two at a time (Int8ShiftedRowsConv.SparseDot.cs) instead of
    /// as int16 pairs.</param>
    private Int8ShiftedRowsConv(Int8ConvGeometry g, ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices, int n, int m, int panel, bool dot)
        : this(g, SparseConv.DecompressInt8(values, indices, g.OutChannels, g.Channels, g.KernelH * g.KernelW, n, m, panel), dot)
    {
        int taps = g.KernelH * g.KernelW, units = SparseConv.Units(g.Channels, taps), pairs = _layout.Pairs;
        if (!SparseApplies(g) || !SparseConv.PanelFits(true, panel))
            throw new ArgumentException($"sparse int8 conv: panel {panel}: needs an ungrouped convolution over channel pairs and a panel that is a multiple of {MR}");
        int kept = NmSparse.Kept(SparseConv.Padded(units, m), n, m);
        Sparse = true;
        _correction = null;
        _remainders = null;
        _quadOrder = null;
        if (dot)
        {
            (_units, _quadWeights, _unitCount, _unitBlockStride) = PackSparseDot(values, indices, n, m, panel, units, kept);
            return;
        }
        (_unitCount, _unitBlockStride) = (kept, kept);
        _units = new int[_blocks * kept];
        _weights = new int[_blocks * kept * MR];
        for (int b = 0; b < _blocks; b++)
            for (int j = 0; j < kept; j++)
            {
                int u = NmSparse.Column(indices, b * MR / panel, j, kept, n, m);
                // A padding unit reads unit 0 and multiplies it by its zero weights.
                _units[b * kept + j] = u < units ? _tapOffsets[u / pairs] + u % pairs * _layout.PlaneInts : _tapOffsets[0];
                for (int k = 0; k < MR && b * MR + k < g.OutChannels; k++)
                {
                    int v = 2 * ((b * MR + k) * kept + j);
                    _weights[(b * kept + j) * MR + k] = Pair(values[v], values[v + 1]);
                }
            }
        _quadWeights = null;
    }
}
