using System.Runtime.InteropServices;
using EdgeToken.Runtime.Kernels.Sparse;

namespace EdgeToken.Runtime.Kernels.Int8;

// N:M-pruned weights (SparseConv): every block of MR output channels runs over its kept (channel pair, tap) units only.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>Per block, the plane offset (tap offset + pair · plane) of each kept unit, [blocks][kept]; null when dense.</summary>
    private readonly int[]? _unitOffsets;
    /// <summary>Units each block multiplies: kept units when sparse.</summary>
    private readonly int _keptUnits;

    /// <summary>True when the weights are N:M-pruned and only the kept units run.</summary>
    public bool Sparse => _unitOffsets is not null;

    /// <summary>Whether the sparse form applies to <paramref name="g"/>: an ungrouped convolution whose plane pairs channels
    /// (not <see cref="ColumnPairsApply"/>, whose pairs are columns of one channel).</summary>
    public static bool SparseApplies(Int8ConvGeometry g) => Applies(g) && !ColumnPairsApply(g);

    /// <summary>An N:M-pruned convolution from <see cref="SparseConv.TryCompressInt8"/>'s form: the units are (channel pair,
    /// tap), masks shared by panels of <paramref name="panel"/> output channels, a multiple of <see cref="MR"/>, so each
    /// block of MR channels has one list of kept units. The packed weights are the kept int16 pairs [blocks][kept][MR],
    /// the plane and the runs the dense kernel's: the micro-kernels are the dense ones with the tap and pair loops
    /// replaced by one walk over the block's unit offsets, depth · N / M multiply-adds instead of depth.</summary>
    /// <remarks>The u8 kernels (four channels of x + 128 per vpmaddubsw, for 7-bit weights) are not used: their unit
    /// would be a channel quad; a model quantized to 7 bits keeps its convolutions dense when the u8 kernel is
    /// faster (<see cref="SparseCostModel"/>).</remarks>
    public Int8ShiftedRowsConv(Int8ConvGeometry g, ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices, int n, int m, int panel)
        : this(g, SparseConv.DecompressInt8(values, indices, g.OutChannels, g.Channels, g.KernelH * g.KernelW, n, m, panel))
    {
        int taps = g.KernelH * g.KernelW, units = SparseConv.Units(g.Channels, taps), pairs = _layout.Pairs;
        if (!SparseApplies(g) || !SparseConv.PanelFits(true, panel))
            throw new ArgumentException($"sparse int8 conv: panel {panel}: needs an ungrouped convolution over channel pairs and a panel that is a multiple of {MR}");
        _keptUnits = NmSparse.Kept(SparseConv.Padded(units, m), n, m);
        _unitOffsets = new int[_blocks * _keptUnits];
        _weights = new int[_blocks * _keptUnits * MR];
        for (int b = 0; b < _blocks; b++)
            for (int j = 0; j < _keptUnits; j++)
            {
                int u = NmSparse.Column(indices, b * MR / panel, j, _keptUnits, n, m);
                // A padding unit reads unit 0 and multiplies it by its zero weights.
                _unitOffsets[b * _keptUnits + j] = u < units ? _tapOffsets[u / pairs] + u % pairs * _layout.PlaneInts : _tapOffsets[0];
                for (int k = 0; k < MR && b * MR + k < g.OutChannels; k++)
                {
                    int v = 2 * ((b * MR + k) * _keptUnits + j);
                    _weights[(b * _keptUnits + j) * MR + k] = Pair(values[v], values[v + 1]);
                }
            }
        _quadWeights = null;
        _correction = null;
    }

    /// <summary>The sparse pair kernels: every run, every block of <see cref="MR"/> channels over its kept units (on
    /// AVX-512BW rows of at most 16 outputs four runs at a time, as the dense kernel does).</summary>
    private void RunSparse(ReadOnlySpan<sbyte> x, int inputZeroPoint, Span<int> plane, Span<int> acc, Int8Path path)
    {
        var l = _layout;
        LoadInput(x, inputZeroPoint, plane);
        int r = 0;
        if (path == Int8Path.Avx512BW && _shortRuns)
        {
            ref int xs = ref MemoryMarshal.GetReference(plane);
            for (; r + 4 <= _runStart.Length; r += 4)
                for (int b = 0; b < _blocks; b++)
                    SparseBlock512x4Runs(ref xs, ref _weights[b * _keptUnits * MR], ref _unitOffsets![b * _keptUnits], _keptUnits, ref acc[b * MR * l.AccStride], r);
        }
        for (; r < _runStart.Length; r++)
            for (int b = 0; b < _blocks; b++)
            {
                var w = _weights.AsSpan(b * _keptUnits * MR, _keptUnits * MR);
                var units = _unitOffsets.AsSpan(b * _keptUnits, _keptUnits);
                var a = acc[(b * MR * l.AccStride + _runStart[r])..];
                var xs = plane[_runBase[r]..];
                switch (path)
                {
                    case Int8Path.Avx512BW: Sparse512(xs, w, units, a, _runLength[r]); break;
                    case Int8Path.Avx2: Sparse256(xs, w, units, a, _runLength[r]); break;
                    case Int8Path.Scalar: SparseScalar(xs, w, units, a, _runLength[r]); break;
                    default: throw new ArgumentException($"the sparse shifted-rows int8 convolution has no {path} path");
                }
            }
    }

    /// <summary>One block over one run in plain C#: what the vector paths compute, lane by lane.</summary>
    private void SparseScalar(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> units, Span<int> acc, int length)
    {
        int stride = _layout.AccStride;
        for (int k = 0; k < MR; k++)
            for (int p = 0; p < length; p++)
            {
                int sum = 0;
                for (int j = 0; j < units.Length; j++)
                {
                    int xv = x[units[j] + p], wv = w[j * MR + k];
                    sum += (short)xv * (short)wv + (xv >> 16) * (wv >> 16);
                }
                acc[k * stride + p] = sum;
            }
    }
}
