using EdgeToken.Runtime.Kernels.Linear;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>ConvTranspose, float32, 1-D to 3-D. Each group computes columns[OCg*kernel, positions] =
/// W_g^T * X_g with the shared SGEMM, then scatters every column entry to the output cell its tap lands on
/// (col2im), over the bias. Output size: stride*(in-1) + output_padding + effective kernel - pads, or the
/// output_shape attribute with pads derived from it (the extra one at the start unless SAME_UPPER).</summary>
internal sealed class ConvTransposeOperator : OperatorDefinition
{
    public override string OpType => "ConvTranspose";

    public override void InferOutputs(NodeContext node) =>
        node.SetOutput(0, ElementType.Float32, Geometry(node).OutputDims());

    public override Kernel CreateKernel(NodeContext node) =>
        new ConvTransposeKernel(Geometry(node), node.Constant(1), node.HasInput(2), FusedActivation.From(node.Attributes));

    internal static ConvGeometry Geometry(NodeContext node)
    {
        var g = ConvGeometry.Read(node, transposed: true);
        int r = g.SpatialRank, o = 3 - r;
        string autoPad = ConvGeometry.AutoPad(node);
        var outputPadding = node.Attributes.GetInts("output_padding");
        var outputShape = node.Attributes.GetInts("output_shape");
        if (outputShape is not null && outputShape.Length == r + 2) outputShape = outputShape[2..];
        if (outputShape is not null && outputShape.Length != r)
            throw new ShapeException($"ConvTranspose '{node.NodeName}': output_shape has {outputShape.Length} values for {r} spatial dimensions");
        if (autoPad == "NOTSET" && outputShape is null) g.ReadPads(node);
        for (int i = 0; i < r; i++)
        {
            int d = o + i;
            if (outputPadding is not null) g.OutputPadding[d] = (int)outputPadding[i];
            int full = g.Stride[d] * (g.In[d] - 1) + g.OutputPadding[d] + g.EffectiveKernel(d);
            if (outputShape is not null || autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                g.Out[d] = outputShape is not null ? (int)outputShape[i] : g.In[d] * g.Stride[d];
                int total = full - g.Out[d];
                // A negative total means the requested output is larger than the taps reach: those cells hold bias only.
                g.SplitSamePadding(d, total, autoPad == "SAME_UPPER");
            }
            else
            {
                g.Out[d] = full - g.PadBegin[d] - g.PadEnd[d];
            }
            if (g.Out[d] <= 0) throw new ShapeException($"ConvTranspose '{node.NodeName}': the output would have size {g.Out[d]}");
        }
        return g;
    }
}

/// <remarks>Columns are produced a chunk of input positions at a time (about 64 K floats of them) so scratch
/// stays bounded for large inputs.</remarks>
internal sealed class ConvTransposeKernel : Kernel
{
    private const int ChunkFloats = 64 * 1024;

    private readonly ConvGeometry _g;
    private readonly float[]? _packedW;
    private readonly bool _hasBias;
    private readonly FusedActivation _activation;
    private readonly int _rows; // OCg * kernel volume
    private readonly int _chunk;
    private readonly int _wFloats;
    private readonly int[] _baseD, _baseH, _baseW;   // per input position: output coordinate of tap 0
    private readonly int[] _rowChannel, _rowD, _rowH, _rowW; // per column row: output channel plane and tap displacement

    public ConvTransposeKernel(ConvGeometry g, ConstantTensor? w, bool hasBias, FusedActivation activation)
    {
        _g = g;
        _hasBias = hasBias;
        _activation = activation;
        _rows = g.OutChannelsPerGroup * g.KernelVolume;
        int size = Sgemm.PackedASize(_rows, g.ChannelsPerGroup);
        if (w is not null)
        {
            _packedW = new float[size * g.Groups];
            PackWeights(w.AsSpan<float>(), _packedW);
        }
        else _wFloats = size * g.Groups;
        _chunk = Math.Min(Sgemm.RoundUp(g.InSpatial, Sgemm.NR),
            Math.Max(Sgemm.NR, ChunkFloats / Math.Max(_rows, g.ChannelsPerGroup) / Sgemm.NR * Sgemm.NR));

        ConvTaps.PositionBases(g.In, g.Stride, g.PadBegin, out _baseD, out _baseH, out _baseW);
        ConvTaps.Rows(g.OutChannelsPerGroup, g.OutSpatial, g.Kernel, g.Dilation, out _rowChannel, out _rowD, out _rowH, out _rowW);
    }

    public override int ScratchBytes =>
        (_wFloats + Sgemm.PackedBSize(_g.ChannelsPerGroup, _chunk) + _rows * _chunk) * sizeof(float);

    /// <summary>W is [C, OCg, kernel...]; group g's block is Cg rows of OCg*kernel, so its transpose is read
    /// with row stride 1 and column stride OCg*kernel.</summary>
    private void PackWeights(ReadOnlySpan<float> w, Span<float> packed)
    {
        int cg = _g.ChannelsPerGroup, size = Sgemm.PackedASize(_rows, cg);
        for (int grp = 0; grp < _g.Groups; grp++)
            Sgemm.PackA(w.Slice(grp * cg * _rows, cg * _rows), _rows, cg, 1, _rows, 1f, packed.Slice(grp * size, size));
    }

    public override void Run(in KernelArgs args)
    {
        var g = _g;
        var x = args.Input<float>(0);
        var y = args.Output<float>(0);
        ReadOnlySpan<float> bias = _hasBias ? args.Input<float>(2) : default;
        ReadOnlySpan<float> packedW = _packedW;
        if (_packedW is null)
        {
            var s = args.ScratchAs<float>(0, _wFloats);
            PackWeights(args.Input<float>(1), s);
            packedW = s;
        }
        int cg = g.ChannelsPerGroup, ocg = g.OutChannelsPerGroup, inPlane = g.InSpatial, outPlane = g.OutSpatial;
        int bFloats = Sgemm.PackedBSize(cg, _chunk);
        var packedX = args.ScratchAs<float>(_wFloats * sizeof(float), bFloats);
        var columns = args.ScratchAs<float>((_wFloats + bFloats) * sizeof(float), _rows * _chunk);
        int wSize = Sgemm.PackedASize(_rows, cg);
        for (int n = 0; n < g.Batch; n++)
        {
            Conv.FillBias(y.Slice(n * g.OutChannels * outPlane, g.OutChannels * outPlane), g.OutChannels, outPlane, bias, _hasBias);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                var xg = x.Slice((n * g.Channels + grp * cg) * inPlane, cg * inPlane);
                var yg = y.Slice((n * g.OutChannels + grp * ocg) * outPlane, ocg * outPlane);
                var wg = packedW.Slice(grp * wSize, wSize);
                for (int j0 = 0; j0 < inPlane; j0 += _chunk)
                {
                    int nc = Math.Min(_chunk, inPlane - j0);
                    Sgemm.PackB(xg.Slice(j0), cg, nc, inPlane, 1, 1f, packedX);
                    var cols = columns.Slice(0, _rows * nc);
                    cols.Clear();
                    Sgemm.MultiplyAdd(wg, packedX, _rows, nc, cg, cols, nc);
                    Col2Im(cols, j0, nc, yg);
                }
            }
        }
        _activation.Apply(y);
    }

    private void Col2Im(ReadOnlySpan<float> cols, int j0, int nc, Span<float> yg)
    {
        int outD = _g.Out[0], outH = _g.Out[1], outW = _g.Out[2];
        for (int r = 0; r < _rows; r++)
        {
            var row = cols.Slice(r * nc, nc);
            int channel = _rowChannel[r], dd = _rowD[r], dh = _rowH[r], dw = _rowW[r];
            for (int c = 0; c < nc; c++)
            {
                int od = _baseD[j0 + c] + dd, oh = _baseH[j0 + c] + dh, ow = _baseW[j0 + c] + dw;
                if ((uint)od < (uint)outD && (uint)oh < (uint)outH && (uint)ow < (uint)outW)
                    yg[channel + (od * outH + oh) * outW + ow] += row[c];
            }
        }
    }
}
