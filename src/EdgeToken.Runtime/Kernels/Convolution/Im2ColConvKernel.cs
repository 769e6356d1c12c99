using EdgeToken.Runtime.Kernels.Linear;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>Conv as Y_g[OCg, spatial] = W_g[OCg, Cg*kernel] * columns[Cg*kernel, spatial]. The columns are
/// written straight into the SGEMM's packed-B panel layout (no second packing pass), a chunk of output
/// positions at a time so scratch stays small whatever the image size.</summary>
/// <remarks>A chunk holds about 64 K floats (256 KB, an L2's worth) of columns, rounded to whole panels.
/// A 1x1 convolution with stride 1 and no padding needs no im2col: X_g already is the column matrix.</remarks>
internal sealed class Im2ColConvKernel : Kernel
{
    private const int ChunkFloats = 64 * 1024;

    private readonly ConvGeometry _g;
    private readonly PackedConvWeights _weights;
    private readonly bool _hasBias;
    private readonly FusedActivation _activation;
    private readonly int _depth;
    private readonly int _chunk;
    private readonly bool _pointwise;
    // Per output position: the input coordinate of the kernel's first tap (may be negative: padding).
    private readonly int[] _baseD, _baseH, _baseW;
    // Per row of the column matrix (channel, kd, kh, kw): the channel's offset and the tap's displacement.
    private readonly int[] _rowChannel, _rowD, _rowH, _rowW;

    public Im2ColConvKernel(ConvGeometry g, ConstantTensor? w, bool hasBias, FusedActivation activation)
    {
        _g = g;
        _hasBias = hasBias;
        _activation = activation;
        _depth = g.ChannelsPerGroup * g.KernelVolume;
        _weights = new PackedConvWeights(g, _depth, w);

        _pointwise = g.KernelVolume == 1 && g.Stride is [1, 1, 1] && g.PadBegin is [0, 0, 0] && g.PadEnd is [0, 0, 0];
        _chunk = Math.Min(Sgemm.RoundUp(g.OutSpatial, Sgemm.NR), Math.Max(Sgemm.NR, ChunkFloats / Math.Max(1, _depth) / Sgemm.NR * Sgemm.NR));

        ConvTaps.PositionBases(g.Out, g.Stride, g.PadBegin, out _baseD, out _baseH, out _baseW);
        ConvTaps.Rows(g.ChannelsPerGroup, g.InSpatial, g.Kernel, g.Dilation, out _rowChannel, out _rowD, out _rowH, out _rowW);
    }

    public override int ScratchBytes => (_weights.ScratchFloats + Sgemm.PackedBSize(_depth, _chunk)) * sizeof(float);

    public override void Run(in KernelArgs args)
    {
        var g = _g;
        var x = args.Input<float>(0);
        var y = args.Output<float>(0);
        ReadOnlySpan<float> bias = _hasBias ? args.Input<float>(2) : default;
        ReadOnlySpan<float> packedW = _weights.Get(args);
        var columns = args.ScratchAs<float>(_weights.ScratchFloats * sizeof(float), Sgemm.PackedBSize(_depth, _chunk));
        int cg = g.ChannelsPerGroup, ocg = g.OutChannelsPerGroup, inPlane = g.InSpatial, outPlane = g.OutSpatial;
        int wSize = Sgemm.PackedASize(ocg, _depth);
        for (int n = 0; n < g.Batch; n++)
        {
            Conv.FillBias(y.Slice(n * g.OutChannels * outPlane, g.OutChannels * outPlane), g.OutChannels, outPlane, bias, _hasBias);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                var xg = x.Slice((n * g.Channels + grp * cg) * inPlane, cg * inPlane);
                var yg = y.Slice((n * g.OutChannels + grp * ocg) * outPlane, ocg * outPlane);
                var wg = packedW.Slice(grp * wSize, wSize);
                for (int j0 = 0; j0 < outPlane; j0 += _chunk)
                {
                    int nc = Math.Min(_chunk, outPlane - j0);
                    if (_pointwise) Sgemm.PackB(xg.Slice(j0), cg, nc, inPlane, 1, 1f, columns);
                    else Im2Col(xg, j0, nc, columns);
                    Sgemm.MultiplyAdd(wg, columns, ocg, nc, _depth, yg.Slice(j0), outPlane);
                }
            }
        }
        _activation.Apply(y);
    }

    /// <summary>Writes columns j0..j0+nc of the column matrix in packed-B layout: panel by panel, NR output
    /// positions per kernel tap, zero where the tap lands in padding.</summary>
    private void Im2Col(ReadOnlySpan<float> xg, int j0, int nc, Span<float> packed)
    {
        int inD = _g.In[0], inH = _g.In[1], inW = _g.In[2];
        for (int q0 = 0; q0 < nc; q0 += Sgemm.NR)
        {
            int cols = Math.Min(Sgemm.NR, nc - q0);
            var panel = packed.Slice(q0 * _depth, Sgemm.NR * _depth);
            int first = j0 + q0, last = first + cols - 1;
            // A panel inside one output row with unit W stride reads consecutive inputs: copy runs, not gathers.
            bool contiguous = _baseD[first] == _baseD[last] && _baseH[first] == _baseH[last] && _baseW[last] - _baseW[first] == cols - 1;
            for (int p = 0; p < _depth; p++)
            {
                if (contiguous)
                {
                    CopyRun(xg, panel.Slice(p * Sgemm.NR, Sgemm.NR), cols, _rowChannel[p],
                        _baseD[first] + _rowD[p], _baseH[first] + _rowH[p], _baseW[first] + _rowW[p]);
                    continue;
                }
                var row = panel.Slice(p * Sgemm.NR, Sgemm.NR);
                int channel = _rowChannel[p], dd = _rowD[p], dh = _rowH[p], dw = _rowW[p];
                for (int c = 0; c < cols; c++)
                {
                    int id = _baseD[first + c] + dd, ih = _baseH[first + c] + dh, iw = _baseW[first + c] + dw;
                    row[c] = (uint)id < (uint)inD && (uint)ih < (uint)inH && (uint)iw < (uint)inW
                        ? xg[channel + (id * inH + ih) * inW + iw]
                        : 0f;
                }
                if (cols < Sgemm.NR) row.Slice(cols).Clear();
            }
        }
    }

    /// <summary>One packed row for a panel of consecutive input positions iw0..iw0+cols-1 in row (id, ih):
    /// the in-bounds part is a copy, the rest (padding, panel tail) zero.</summary>
    private void CopyRun(ReadOnlySpan<float> xg, Span<float> row, int cols, int channel, int id, int ih, int iw0)
    {
        int inH = _g.In[1], inW = _g.In[2];
        if ((uint)id >= (uint)_g.In[0] || (uint)ih >= (uint)inH)
        {
            row.Clear();
            return;
        }
        int lo = Math.Max(0, -iw0), hi = Math.Min(cols, inW - iw0);
        if (hi <= lo)
        {
            row.Clear();
            return;
        }
        row.Slice(0, lo).Clear();
        xg.Slice(channel + (id * inH + ih) * inW + iw0 + lo, hi - lo).CopyTo(row.Slice(lo));
        row.Slice(hi).Clear();
    }
}
