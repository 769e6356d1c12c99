using EdgeToken.Runtime.Kernels.Linear;
using EdgeToken.Runtime.Kernels.Sparse;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>Conv (1-D or 2-D) as an implicit GEMM: the input of a group is copied once into a zero-bordered buffer,
/// and then the column matrix's row for tap (channel, kh, kw) is simply that buffer shifted by
/// <c>channel * plane + kh * dilation * width + kw * dilation</c>. The SGEMM micro-kernel reads those rows in place
/// (<see cref="Sgemm.MultiplyAddRowOffsets"/>), so nothing is copied kernel-size times as im2col does.</summary>
/// <remarks>
/// With strides the padded input is split into stride x stride phase planes (space-to-depth: padded element (h, w)
/// goes to phase (h % sH, w % sW) at (h / sH, w / sW)), so every tap again reads consecutive inputs for
/// consecutive outputs, from the phase its offset falls in.
/// Output positions are numbered on the padded grid, <c>oh * paddedWidth + ow</c>, where one row of B is contiguous.
/// Tiles of <see cref="Sgemm.NR"/> positions either lie inside one output row (stored straight into Y) or straddle
/// a row end (computed into a small buffer and scattered, the padding columns dropped). Which numbering the tiles
/// follow is chosen per node: row by row when the output row is a multiple of NR or long (no straddling tiles), the
/// padded grid when rows are short (fewer wasted columns than NR-wide tiles would have).
/// The depth is limited (<see cref="MaxDepth"/>) so one tile of B (depth x NR floats) stays in L1 while every
/// panel of weights passes over it; deeper (and 3-D) convolutions go through <see cref="Im2ColConvKernel"/>.
/// <para>N:M-pruned (<see cref="SparseConv"/>, ungrouped): the pruning masks are shared by panels of output channels
/// that are a multiple of <see cref="Sgemm.MR"/>, so each A panel of MR channels has one list of kept depth entries. The
/// panel is packed with those entries only and gets its own, shorter list of row offsets: the micro-kernel, its register
/// blocking and the tiles are the dense ones, over depth · N / M steps instead of depth; the zeros are never read.</para>
/// </remarks>
internal sealed class ShiftedRowsConvKernel : Kernel
{
    internal const int MaxDepth = 512;

    private readonly ConvGeometry _g;
    private readonly PackedConvWeights _weights;
    private readonly bool _hasBias;
    private readonly int _biasInput = 2;
    private readonly FusedActivation _activation;
    private readonly int _depth, _padH, _padW, _bufferFloats;
    // The depth one A panel multiplies (dense: _depth; N:M: the kept entries) and how far apart two panels' offset
    // lists are in _rowOffsets (dense: 0, all panels share one list).
    private readonly int _panelDepth, _offsetStride;
    private readonly int[] _rowOffsets;
    // Per tile: first position on the padded grid, how many columns, and where it lands in Y (-1: scatter).
    private readonly int[] _tileStart, _tileCols, _tileDst;
    // Bias and a Relu (or no activation) are applied as each tile is stored; other activations run afterwards.
    private readonly bool _storeFused;
    private readonly float _floor;
    private readonly float[] _zeroBias;
    // Unpadded, unstrided, and every tile full: the rows of B are X itself and no tile reads past its end.
    private readonly bool _readsInPlace;
    // Rows laid end to end, one copy of the planes per kernel column (see Wraps): copies, floats per channel plane, the
    // floats before a plane's first row (the left padding).
    private readonly int _copies = 1, _plane, _lead;

    public static bool Fits(ConvGeometry g) => Fits(g, g.ChannelsPerGroup * g.KernelVolume);

    /// <summary><see cref="Fits(ConvGeometry)"/> for panels that multiply <paramref name="depth"/> entries each.</summary>
    public static bool Fits(ConvGeometry g, int depth) =>
        g.Kernel[0] == 1 && g.In[0] == 1
        && g.PadBegin[0] == 0 && g.PadEnd[0] == 0 && depth <= MaxDepth;

    /// <summary>An ungrouped N:M-pruned convolution from its compressed weights (<see cref="SparseConv"/>): values [M, kept]
    /// over the depth (channel, tap), masks shared by panels of <paramref name="panel"/> output channels, a multiple of
    /// <see cref="Sgemm.MR"/>.</summary>
    public ShiftedRowsConvKernel(ConvGeometry g, ReadOnlySpan<float> values, ReadOnlySpan<byte> indices, int n, int m, int panel, bool hasBias,
        FusedActivation activation) : this(g, null, hasBias, activation)
    {
        if (g.Groups != 1 || !SparseConv.PanelFits(false, panel))
            throw new ArgumentException($"sparse conv: groups {g.Groups}, panel {panel}: needs one group and a panel that is a multiple of {Sgemm.MR}");
        int kept = NmSparse.Kept(SparseConv.Padded(_depth, m), n, m), panels = (g.OutChannels + Sgemm.MR - 1) / Sgemm.MR;
        var dense = _rowOffsets;
        var offsets = new int[panels * kept];
        var packed = new float[Sgemm.PackedASize(g.OutChannels, kept)];
        for (int q = 0; q < panels; q++)
            for (int j = 0; j < kept; j++)
            {
                int d = NmSparse.Column(indices, q * Sgemm.MR / panel, j, kept, n, m);
                offsets[q * kept + j] = dense[d < _depth ? d : 0]; // padding: any readable row, times its zero weight
                for (int r = 0; r < Sgemm.MR && q * Sgemm.MR + r < g.OutChannels; r++)
                    packed[(q * kept + j) * Sgemm.MR + r] = values[(q * Sgemm.MR + r) * kept + j];
            }
        _rowOffsets = offsets;
        _panelDepth = kept;
        _offsetStride = kept;
        _weights = new PackedConvWeights(packed);
        _biasInput = 3; // x, values, indices, bias
    }

    public ShiftedRowsConvKernel(ConvGeometry g, ConstantTensor? w, bool hasBias, FusedActivation activation)
    {
        _g = g;
        _hasBias = hasBias;
        _activation = activation;
        _depth = g.ChannelsPerGroup * g.KernelVolume;
        _weights = new PackedConvWeights(g, _depth, w);

        int outH = g.Out[1], outW = g.Out[2];
        int sH = g.Stride[1], sW = g.Stride[2];
        // One phase plane: every tap of every output position lands inside it (see the remarks).
        _padH = (Math.Max(g.In[1] + g.PadBegin[1], (outH - 1) * sH + g.EffectiveKernel(1)) + sH - 1) / sH;
        _padW = (Math.Max(g.In[2] + g.PadBegin[2], (outW - 1) * sW + g.EffectiveKernel(2)) + sW - 1) / sW;
        (_tileStart, _tileCols, _tileDst) = Tiles(outH, outW, _padW);
        if (Wraps(g) && (g.OutSpatial + Sgemm.NR - 1) / Sgemm.NR < _tileStart.Length)
        {
            (_copies, _padW, _lead) = (g.Kernel[2], g.In[2], g.PadBegin[2]);
            (_tileStart, _tileCols, _tileDst) = Tiles(outH, outW, _padW);
        }
        _plane = _lead + _padH * _padW + (_copies > 1 ? g.PadEnd[2] : 0);
        // The last tile reads up to NR - 1 columns past the last position: slack after the last plane.
        _bufferFloats = _copies * g.ChannelsPerGroup * sH * sW * _plane + Sgemm.NR;

        _rowOffsets = new int[_depth];
        _panelDepth = _depth;
        int p = 0;
        for (int c = 0; c < g.ChannelsPerGroup; c++)
            for (int kh = 0; kh < g.Kernel[1]; kh++)
                for (int kw = 0; kw < g.Kernel[2]; kw++)
                {
                    int dh = kh * g.Dilation[1], dw = kw * g.Dilation[2];
                    int phase = (c * sH + dh % sH) * sW + dw % sW;
                    _rowOffsets[p++] = _copies > 1
                        ? (kw * g.ChannelsPerGroup + c) * _plane + dh * _padW + dw // _lead + (dw - PadBegin)
                        : phase * _plane + dh / sH * _padW + dw / sW;
                }

        _storeFused = activation.IsNone || activation.Kind == "Relu";
        _floor = activation.IsNone ? float.NegativeInfinity : 0f;
        _zeroBias = new float[hasBias ? 0 : g.OutChannels];
        _readsInPlace = _copies == 1 && _padW == g.In[2] && _padH == g.In[1] && g.Stride[1] == 1 && g.Stride[2] == 1
            && ((outH - 1) * _padW + outW) % Sgemm.NR == 0;
    }

    /// <summary>True for an unstrided convolution padded along W to keep its width, each tap within a row's width of its
    /// output: its rows can be laid end to end, W apart, so the tiles are the output positions themselves and no column is
    /// computed and thrown away. A tap of kernel column kw reads its input at d = kw·dW − padLeft from the output; where
    /// that wraps into the row before (the first −d outputs of a row) or after (the last d), it must read zero. So each
    /// kernel column gets its own copy of the planes, zero in the |d| columns it wraps onto, which its legitimate reads
    /// never reach (<see cref="Pad"/>). Used when that takes fewer tiles (openWakeWord's 1x3 layers on rows of 2 to 8).</summary>
    internal static bool Wraps(ConvGeometry g) =>
        g.Stride[1] == 1 && g.Stride[2] == 1 && g.Kernel[2] > 1 && g.Out[2] == g.In[2]
        && g.PadBegin[2] < g.In[2] && g.PadEnd[2] < g.In[2];

    /// <summary>True when this kernel lays the rows end to end (<see cref="Wraps"/>).</summary>
    internal bool WrappedColumns => _copies > 1;

    /// <summary>Tiles row by row when that wastes no more columns than tiling the padded grid does.</summary>
    private static (int[] Start, int[] Cols, int[] Dst) Tiles(int outH, int outW, int padW)
    {
        const int nr = Sgemm.NR;
        double rowEfficiency = (double)outW / Sgemm.RoundUp(outW, nr);
        double gridEfficiency = (double)outW / padW;
        var start = new List<int>();
        var cols = new List<int>();
        var dst = new List<int>();
        if (padW == outW || rowEfficiency < gridEfficiency)
        {
            int total = (outH - 1) * padW + outW;
            for (int j0 = 0; j0 < total; j0 += nr)
            {
                int n = Math.Min(nr, total - j0), oh = j0 / padW, ow = j0 - oh * padW;
                start.Add(j0);
                cols.Add(n);
                dst.Add(padW == outW ? j0 : ow + n <= outW ? oh * outW + ow : -1);
            }
        }
        else
        {
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow += nr)
                {
                    start.Add(oh * padW + ow);
                    cols.Add(Math.Min(nr, outW - ow));
                    dst.Add(oh * outW + ow);
                }
        }
        return (start.ToArray(), cols.ToArray(), dst.ToArray());
    }

    public override int ScratchBytes => (_weights.ScratchFloats + _bufferFloats) * sizeof(float);

    public override unsafe void Run(in KernelArgs args)
    {
        var g = _g;
        var x = args.Input<float>(0);
        var y = args.Output<float>(0);
        ReadOnlySpan<float> bias = _hasBias ? args.Input<float>(_biasInput) : _zeroBias;
        ReadOnlySpan<float> packedW = _weights.Get(args);
        var buffer = args.ScratchAs<float>(_weights.ScratchFloats * sizeof(float), _bufferFloats);
        int cg = g.ChannelsPerGroup, ocg = g.OutChannelsPerGroup, inPlane = g.InSpatial, outPlane = g.OutSpatial;
        int depth = _panelDepth, wSize = Sgemm.PackedASize(ocg, depth);
        float* tile = stackalloc float[Sgemm.MR * Sgemm.NR];
        float* scatter = stackalloc float[Sgemm.MR * Sgemm.NR];
        for (int n = 0; n < g.Batch; n++)
        {
            if (!_storeFused)
                Conv.FillBias(y.Slice(n * g.OutChannels * outPlane, g.OutChannels * outPlane), g.OutChannels, outPlane, bias, _hasBias);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                var xg = x.Slice((n * g.Channels + grp * cg) * inPlane, cg * inPlane);
                if (!_readsInPlace) Pad(xg, buffer);
                var yg = y.Slice((n * g.OutChannels + grp * ocg) * outPlane, ocg * outPlane);
                fixed (float* pw = packedW.Slice(grp * wSize, wSize))
                fixed (float* pb = _readsInPlace ? xg : buffer)
                fixed (float* py = yg)
                fixed (int* offsets = _rowOffsets)
                fixed (float* pbias = bias.Slice(grp * ocg, ocg))
                {
                    for (int t = 0; t < _tileStart.Length; t++)
                    {
                        float* b = pb + _tileStart[t];
                        int cols = _tileCols[t], dst = _tileDst[t];
                        for (int i0 = 0; i0 < ocg; i0 += Sgemm.MR)
                        {
                            int rows = Math.Min(Sgemm.MR, ocg - i0);
                            float* a = pw + (long)i0 * depth;
                            int* rowOffsets = offsets + i0 / Sgemm.MR * _offsetStride;
                            if (dst >= 0)
                            {
                                float* c = py + (long)i0 * outPlane + dst;
                                if (_storeFused) Sgemm.MultiplyRowOffsets(a, b, rowOffsets, depth, c, outPlane, rows, cols, tile, pbias + i0, _floor);
                                else Sgemm.MultiplyAddRowOffsets(a, b, rowOffsets, depth, c, outPlane, rows, cols, tile);
                                continue;
                            }
                            new Span<float>(scatter, Sgemm.MR * Sgemm.NR).Clear();
                            Sgemm.MultiplyAddRowOffsets(a, b, rowOffsets, depth, scatter, Sgemm.NR, rows, cols, tile);
                            Scatter(scatter, _tileStart[t], rows, cols, py + (long)i0 * outPlane, outPlane, _storeFused ? pbias + i0 : null);
                        }
                    }
                }
            }
        }
        if (!_storeFused) _activation.Apply(y);
    }

    /// <summary>Adds a computed tile to Y (or, with <paramref name="rowBias"/>, stores it with bias and the floor),
    /// dropping the columns that fall in the padding between output rows.</summary>
    private unsafe void Scatter(float* tile, int start, int rows, int cols, float* y, int outPlane, float* rowBias)
    {
        int outW = _g.Out[2];
        for (int q = 0; q < cols; q++)
        {
            int j = start + q, oh = j / _padW, ow = j - oh * _padW;
            if (ow >= outW) continue;
            float* dst = y + oh * outW + ow;
            if (rowBias == null)
                for (int r = 0; r < rows; r++) dst[(long)r * outPlane] += tile[r * Sgemm.NR + q];
            else
                for (int r = 0; r < rows; r++) dst[(long)r * outPlane] = MathF.Max(tile[r * Sgemm.NR + q] + rowBias[r], _floor);
        }
    }

    /// <summary>Copies a group's channels into the zero-bordered buffer, split into phase planes when strided.</summary>
    private void Pad(ReadOnlySpan<float> xg, Span<float> buffer)
    {
        int inH = _g.In[1], inW = _g.In[2], top = _g.PadBegin[1], left = _g.PadBegin[2], plane = _plane;
        int sH = _g.Stride[1], sW = _g.Stride[2];
        if (_copies > 1)
        {
            buffer.Clear();
            int hw = inH * inW, cg = _g.ChannelsPerGroup;
            for (int kw = 0; kw < _copies; kw++)
            {
                int d = kw * _g.Dilation[2] - left, from = d < 0 ? inW + d : 0, count = Math.Abs(d);
                for (int c = 0; c < cg; c++)
                {
                    var rows = buffer.Slice((kw * cg + c) * plane + _lead + top * inW, hw);
                    xg.Slice(c * hw, hw).CopyTo(rows);
                    if (count > 0)
                        for (int ih = 0; ih < inH; ih++) rows.Slice(ih * inW + from, count).Clear();
                }
            }
            return;
        }
        if (_padW == inW && _padH == inH && sH == 1 && sW == 1)
        {
            xg.CopyTo(buffer);
            buffer.Slice(xg.Length).Clear();
            return;
        }
        buffer.Clear();
        for (int c = 0; c < _g.ChannelsPerGroup; c++)
            for (int ih = 0; ih < inH; ih++)
            {
                var src = xg.Slice((c * inH + ih) * inW, inW);
                int h = ih + top;
                if (sW == 1)
                {
                    src.CopyTo(buffer.Slice(((c * sH + h % sH) * plane) + h / sH * _padW + left, inW));
                    continue;
                }
                int rowBase = (c * sH + h % sH) * sW;
                // Phase by phase: the inputs of one phase are every sW-th and land side by side.
                for (int iw0 = 0; iw0 < Math.Min(sW, inW); iw0++)
                {
                    int w = iw0 + left;
                    var dst = buffer.Slice((rowBase + w % sW) * plane + h / sH * _padW + w / sW);
                    for (int iw = iw0, q = 0; iw < inW; iw += sW, q++) dst[q] = src[iw];
                }
            }
    }
}
