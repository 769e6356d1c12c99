namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Shapes of one int8 convolution of a single image: x [C, H, W], w [M, C/group, kH, kW], y [M, OH, OW].
/// A 1-D convolution is the case H = kH = 1. Pads are explicit (the importer resolves auto_pad).
/// For every (output row, kernel row) the input row it reads is precomputed, or -1 in the padding; likewise for
/// columns, so the patch gather has no bounds arithmetic.</summary>
public sealed class Int8ConvGeometry
{
    public int Channels { get; private init; }
    public int Height { get; private init; }
    public int Width { get; private init; }
    public int OutChannels { get; private init; }
    public int KernelH { get; private init; }
    public int KernelW { get; private init; }
    public int Group { get; private init; }
    public int OutH { get; private init; }
    public int OutW { get; private init; }
    public int StrideH { get; private init; } = 1;
    public int StrideW { get; private init; } = 1;
    public int DilationH { get; private init; } = 1;
    public int DilationW { get; private init; } = 1;
    public int PadTop { get; private init; }
    public int PadLeft { get; private init; }
    internal int[] RowMap { get; private init; } = [];
    internal int[] ColMap { get; private init; } = [];

    public int GroupChannels => Channels / Group;
    public int GroupOutChannels => OutChannels / Group;
    /// <summary>Length of one patch, the GEMM's k: (channel in group, kh, kw).</summary>
    public int PatchSize => GroupChannels * KernelH * KernelW;
    public int OutPixels => OutH * OutW;
    /// <summary>Bytes from one gathered patch to the next, and from one packed weight row to the next: the patch size
    /// rounded up to 32, the zeros past <see cref="PatchSize"/> in the packed weights making the padding inert.</summary>
    /// <remarks>Every int8 GEMM path finishes a dot product whose length is not a multiple of its vector width with a
    /// scalar loop; for the short patches of a small convolution (15, 80) that tail costs as much as the rest. 32 is the
    /// widest step (AVX-512BW) and a multiple of every narrower one. Patches of 8 or fewer (a 1-D depthwise kernel) stay
    /// as they are: padding them would multiply the work by four or more.</remarks>
    public int PatchStride => PatchSize <= 8 ? PatchSize : (PatchSize + 31) & ~31;
    /// <summary>True for a depthwise convolution (one input and one output channel per group).</summary>
    public bool IsDepthwise => Group == Channels && GroupOutChannels == 1;

    /// <summary>True when the input is first transposed to channels-last [H, W, C] so that a patch is gathered as one copy
    /// of kW·C bytes per kernel row instead of one copy of kW bytes per channel and kernel row: every ungrouped
    /// convolution. (A grouped one reads only its group's channels, so channels-last would not make them contiguous.)</summary>
    public bool ChannelsLast => Group == 1;

    /// <summary>Scratch the convolution needs: <see cref="DepthwiseScratchBytes"/> for a depthwise one, which
    /// <see cref="Int8DepthwiseConv"/> runs; for an ungrouped one the larger of <see cref="GemmScratchBytes"/> (with
    /// <see cref="Int8ChannelLanesConv"/>'s widened patches where it may run) and
    /// <see cref="Int8ShiftedRowsConv.ScratchBytesFor"/>, whichever path the machine will take (a plan sized on one machine
    /// runs on another); otherwise <see cref="GemmScratchBytes"/>.</summary>
    public int ScratchBytes => IsDepthwise ? DepthwiseScratchBytes
        : Int8ShiftedRowsConv.Applies(this) ? Math.Max(GemmScratchBytes + ChannelLanesExtraBytes, Int8ShiftedRowsConv.ScratchBytesFor(this)) : GemmScratchBytes;

    /// <summary>What <see cref="Int8ChannelLanesConv"/> needs beyond <see cref="GemmScratchBytes"/> where an x64 machine would
    /// take it (<see cref="Int8ChannelLanesConv.Prefers"/>), else 0.</summary>
    private int ChannelLanesExtraBytes => Int8ChannelLanesConv.Prefers(this) ? Int8ChannelLanesConv.ExtraScratchBytes(this) : 0;

    /// <summary>Scratch the GEMM path needs: the patches of one group [OutPixels, PatchStride] as bytes, then the int32
    /// accumulators of one group [GroupOutChannels, OutPixels], then (<see cref="ChannelsLast"/>) the transposed input,
    /// each 64-byte aligned.</summary>
    public int GemmScratchBytes => PatchBytes + Align64(GroupOutChannels * OutPixels * sizeof(int)) + (ChannelsLast ? Channels * Height * Width : 0);
    internal int PatchBytes => Align64(OutPixels * PatchStride);
    internal int TransposedOffset => PatchBytes + Align64(GroupOutChannels * OutPixels * sizeof(int));

    /// <summary>Rows of <see cref="Int8DepthwiseConv"/>'s bordered plane: the padded input's, or as many as the taps of
    /// the last output row reach if more.</summary>
    public int PlaneH => Math.Max(PadTop + Height, (OutH - 1) * StrideH + (KernelH - 1) * DilationH + 1);
    /// <summary>Columns of <see cref="Int8DepthwiseConv"/>'s bordered plane: with stride 1 or 2, enough for its vector
    /// steps to run to the output width rounded up to <see cref="Int8DepthwiseConv.Lanes"/> (with stride 2 each step reads
    /// twice as many columns, <see cref="Int8DepthwiseConv.ChannelRowPairsStride2Avx512"/>).</summary>
    public int PlaneW => Math.Max(PadLeft + Width,
        (StrideW <= 2 ? (OutW + Int8DepthwiseConv.Lanes - 1) / Int8DepthwiseConv.Lanes * Int8DepthwiseConv.Lanes * StrideW : (OutW - 1) * StrideW + 1) + (KernelW - 1) * DilationW);
    /// <summary>Scratch of <see cref="Int8DepthwiseConv"/>: the int16 bordered plane (<see cref="PlaneRows"/> rows and
    /// sixteen values to spare, which the row pairs read past its end), then one channel's int32 sums with
    /// <see cref="Int8DepthwiseConv.Lanes"/> to spare, then the row pairs (<see cref="RowPairRows"/> rows of
    /// <see cref="RowPairsW"/> int32).</summary>
    public int DepthwiseScratchBytes => DepthwiseRowPairsOffset + Align64(RowPairRows * RowPairsW * sizeof(int));
    /// <summary>Rows of the row-pair plane: pair m holds plane rows 2m and 2m + 1; two to spare past
    /// <see cref="PlaneH"/>, which the last output rows' pairs reach with zero weights.</summary>
    internal int RowPairRows => (PlaneH + 3) / 2;
    /// <summary>Rows of the bordered plane as allocated: two for each row pair.</summary>
    internal int PlaneRows => 2 * RowPairRows;
    /// <summary>Row pairs one output row reads: its first kernel row may be the second of a pair.</summary>
    internal int PairRowsPerOutput => ((KernelH - 1) * DilationH + 1) / 2 + 1;
    internal int DepthwiseAccumulatorsOffset => Align64((PlaneRows * PlaneW + 16) * sizeof(short));
    internal int DepthwiseRowPairsOffset => DepthwiseAccumulatorsOffset + Align64((OutPixels + Int8DepthwiseConv.Lanes) * sizeof(int));
    /// <summary>Columns of the row-pair plane: <see cref="PlaneW"/> rounded up to the sixteen pairs it is built with.</summary>
    internal int RowPairsW => (PlaneW + 15) & ~15;

    private static int Align64(int n) => (n + 63) & ~63;

    /// <param name="pads">[top, left, bottom, right] (for 1-D: [0, begin, 0, end]).</param>
    public static Int8ConvGeometry Create(int channels, int height, int width, int outChannels, int kernelH, int kernelW, int group,
        (int H, int W) strides, (int H, int W) dilations, (int Top, int Left, int Bottom, int Right) pads)
    {
        if (group <= 0 || channels % group != 0 || outChannels % group != 0)
            throw new ArgumentException($"{channels} input and {outChannels} output channels do not divide into {group} groups");
        var (outH, rowMap) = Axis(height, kernelH, strides.H, dilations.H, pads.Top, pads.Bottom);
        var (outW, colMap) = Axis(width, kernelW, strides.W, dilations.W, pads.Left, pads.Right);
        return new Int8ConvGeometry
        {
            Channels = channels, Height = height, Width = width, OutChannels = outChannels, KernelH = kernelH, KernelW = kernelW,
            Group = group, OutH = outH, OutW = outW, RowMap = rowMap, ColMap = colMap,
            StrideH = strides.H, StrideW = strides.W, DilationH = dilations.H, DilationW = dilations.W, PadTop = pads.Top, PadLeft = pads.Left,
        };
    }

    private static (int Out, int[] Map) Axis(int size, int kernel, int stride, int dilation, int padBegin, int padEnd)
    {
        if (stride <= 0 || dilation <= 0) throw new ArgumentException("strides and dilations must be positive");
        int span = (kernel - 1) * dilation + 1;
        int outSize = (size + padBegin + padEnd - span) / stride + 1;
        if (outSize <= 0) throw new ArgumentException($"a kernel spanning {span} does not fit an input of {size} padded by {padBegin}+{padEnd}");
        var map = new int[outSize * kernel];
        for (int o = 0; o < outSize; o++)
            for (int k = 0; k < kernel; k++)
            {
                int i = o * stride - padBegin + k * dilation;
                map[o * kernel + k] = i >= 0 && i < size ? i : -1;
            }
        return (outSize, map);
    }
}
