namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Int8 convolution, 1-D and 2-D, grouped and depthwise, through <see cref="Int8Gemm"/>: per group, the patches
/// of every output pixel are gathered into rows [OutPixels, PatchStride] and the group's weights [M/group, PatchStride] are
/// dotted with them, giving channel-major accumulators that <see cref="Requantize.Channels"/> turns into int8.</summary>
/// <remarks>An ungrouped convolution gathers from the input transposed to channels-last (see
/// <see cref="Int8ConvGeometry.ChannelsLast"/>), with the weights permuted to match (<see cref="PackWeights"/>). The padding is filled with the input's zero point, so that <c>x - zero_point</c> is 0 there and the build-time
/// bias correction <c>-zero_point · Σw</c> stays exact at the borders. Patches are gathered per pixel (k contiguous) rather
/// than per kernel position so the GEMM's inner loop runs over the whole patch.
/// <para>QConv runs an ungrouped convolution on AVX2 or AVX-512BW through <see cref="Int8ShiftedRowsConv"/> instead, which
/// needs neither the transposition nor the patches; <see cref="Int8ConvWeights"/> chooses once, when the kernel is made.
/// This GEMM path stays for the other paths (ARM64 sdot, Vector128, scalar) and grouped convolutions.</para></remarks>
public static class Int8Conv
{
    /// <summary>One image: a depthwise convolution through <see cref="Int8DepthwiseConv"/>, any other through
    /// <see cref="RunGemm"/>. <paramref name="w"/> as <see cref="PackWeights"/> lays it out; <paramref name="bias"/> (per
    /// output channel, zero-point correction folded in) may be empty; <paramref name="scales"/> has one entry per output
    /// channel or one for all.</summary>
    public static void Run(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias,
        ReadOnlySpan<FixedPointMultiplier> scales, int inputZeroPoint, int outputZeroPoint, int min, int max,
        Span<sbyte> y, Span<byte> scratch, Int8Path path, ReadOnlySpan<NarrowRequantization> narrow = default)
    {
        if (g.IsDepthwise) Int8DepthwiseConv.Run(g, x, w, bias, scales, inputZeroPoint, outputZeroPoint, min, max, y, scratch, narrow);
        else RunGemm(g, x, w, bias, scales, inputZeroPoint, outputZeroPoint, min, max, y, scratch, path, narrow);
    }

    /// <summary>The GEMM path for any convolution, depthwise too (the tests compare <see cref="Int8DepthwiseConv"/> with
    /// it); <paramref name="scratch"/> at least <see cref="Int8ConvGeometry.GemmScratchBytes"/>.</summary>
    internal static void RunGemm(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias,
        ReadOnlySpan<FixedPointMultiplier> scales, int inputZeroPoint, int outputZeroPoint, int min, int max,
        Span<sbyte> y, Span<byte> scratch, Int8Path path, ReadOnlySpan<NarrowRequantization> narrow = default)
    {
        var patches = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(scratch[..(g.OutPixels * g.PatchStride)]);
        var acc = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(scratch.Slice(g.PatchBytes, g.GroupOutChannels * g.OutPixels * sizeof(int)));
        int mg = g.GroupOutChannels;
        if (g.ChannelsLast)
        {
            var transposed = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(scratch.Slice(g.TransposedOffset, g.Channels * g.Height * g.Width));
            ToChannelsLast(x, g.Channels, g.Height * g.Width, transposed);
            GatherChannelsLast(g, transposed, (sbyte)inputZeroPoint, patches);
        }
        for (int grp = 0; grp < g.Group; grp++)
        {
            if (!g.ChannelsLast) Gather(g, x, grp, (sbyte)inputZeroPoint, patches);
            Int8Gemm.Run(path, w.Slice(grp * mg * g.PatchStride, mg * g.PatchStride), patches, acc, mg, g.PatchStride, g.OutPixels);
            RequantizeGroup(g, grp, acc, bias, scales, outputZeroPoint, min, max, y, narrow);
        }
    }

    /// <summary>An ungrouped convolution on <see cref="Int8ChannelLanesConv"/>: the patches gathered as
    /// <see cref="RunGemm"/> gathers them, the kernel's sums, the same requantization. <paramref name="scratch"/> is
    /// <see cref="Int8ConvGeometry.GemmScratchBytes"/> then <see cref="Int8ChannelLanesConv.ExtraScratchBytes"/>.</summary>
    internal static void RunChannelLanes(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, Int8ChannelLanesConv lanes, ReadOnlySpan<int> bias,
        ReadOnlySpan<FixedPointMultiplier> scales, int inputZeroPoint, int outputZeroPoint, int min, int max,
        Span<sbyte> y, Span<byte> scratch, Int8Path path, ReadOnlySpan<NarrowRequantization> narrow = default)
    {
        if (!g.ChannelsLast) throw new ArgumentException("the channel-lanes kernel runs ungrouped convolutions");
        var patches = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(scratch[..(g.OutPixels * g.PatchStride)]);
        var acc = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(scratch.Slice(g.PatchBytes, g.OutChannels * g.OutPixels * sizeof(int)));
        var transposed = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(scratch.Slice(g.TransposedOffset, g.Channels * g.Height * g.Width));
        ToChannelsLast(x, g.Channels, g.Height * g.Width, transposed);
        GatherChannelsLast(g, transposed, (sbyte)inputZeroPoint, patches);
        if (!lanes.Run(patches, scratch.Slice(g.GemmScratchBytes, Int8ChannelLanesConv.ExtraScratchBytes(g)), acc, y, narrow, bias, scales,
                outputZeroPoint, min, max, path))
            RequantizeGroup(g, 0, acc, bias, scales, outputZeroPoint, min, max, y, narrow);
    }

    /// <summary>Group <paramref name="grp"/>'s int32 sums [GroupOutChannels, OutPixels] to its output channels.</summary>
    private static void RequantizeGroup(Int8ConvGeometry g, int grp, Span<int> acc, ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales,
        int outputZeroPoint, int min, int max, Span<sbyte> y, ReadOnlySpan<NarrowRequantization> narrow)
    {
        int mg = g.GroupOutChannels;
        if (!narrow.IsEmpty)
        {
            for (int c = 0; c < mg; c++)
                Requantize.Plane(acc.Slice(c * g.OutPixels, g.OutPixels), narrow[grp * mg + c], y.Slice((grp * mg + c) * g.OutPixels, g.OutPixels));
            return;
        }
        Requantize.Channels(acc, mg, g.OutPixels, bias.IsEmpty ? bias : bias.Slice(grp * mg, mg),
            scales.Length == 1 ? scales : scales.Slice(grp * mg, mg), outputZeroPoint, min, max,
            y.Slice(grp * mg * g.OutPixels, mg * g.OutPixels));
    }

    /// <summary>The weights [M, C/group, kH, kW] in the order the patches are gathered: as they are for a grouped
    /// convolution, [M, kH, kW, C] for a <see cref="Int8ConvGeometry.ChannelsLast"/> one; each row then padded with zeros
    /// to <see cref="Int8ConvGeometry.PatchStride"/>. Done once, when the kernel is made.</summary>
    public static sbyte[] PackWeights(Int8ConvGeometry g, ReadOnlySpan<sbyte> w)
    {
        int taps = g.KernelH * g.KernelW, c = g.GroupChannels, k = g.PatchSize, stride = g.PatchStride;
        var packed = new sbyte[g.OutChannels * stride]; // zeros past the patch: see PatchStride
        for (int m = 0; m < g.OutChannels; m++)
        {
            var row = packed.AsSpan(m * stride, k);
            if (!g.ChannelsLast) { w.Slice(m * k, k).CopyTo(row); continue; }
            for (int ci = 0; ci < c; ci++)
                for (int t = 0; t < taps; t++)
                    row[t * c + ci] = w[(m * c + ci) * taps + t];
        }
        return packed;
    }

    /// <summary>x [C, pixels] to [pixels, C].</summary>
    private static void ToChannelsLast(ReadOnlySpan<sbyte> x, int channels, int pixels, Span<sbyte> y)
    {
        for (int c = 0; c < channels; c++)
        {
            var row = x.Slice(c * pixels, pixels);
            for (int p = 0; p < pixels; p++) y[p * channels + c] = row[p];
        }
    }

    /// <summary>patches[p, (kh, kw, c)] = x[input row of (oh, kh), input column of (ow, kw), c] from channels-last x, or the
    /// zero point in the padding: one copy of kW·C bytes per kernel row inside the image, undilated.</summary>
    private static void GatherChannelsLast(Int8ConvGeometry g, ReadOnlySpan<sbyte> xt, sbyte zeroPoint, Span<sbyte> patches)
    {
        int kh = g.KernelH, kw = g.KernelW, c = g.Channels, k = g.PatchSize;
        for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                var patch = patches.Slice((oh * g.OutW + ow) * g.PatchStride, k);
                int q = 0;
                int first = g.ColMap[ow * kw], last = g.ColMap[ow * kw + kw - 1];
                bool contiguous = first >= 0 && last - first == kw - 1;
                for (int i = 0; i < kh; i++)
                {
                    int ih = g.RowMap[oh * kh + i];
                    if (ih < 0) { patch.Slice(q, kw * c).Fill(zeroPoint); q += kw * c; continue; }
                    if (contiguous)
                    {
                        xt.Slice((ih * g.Width + first) * c, kw * c).CopyTo(patch.Slice(q, kw * c));
                        q += kw * c;
                        continue;
                    }
                    for (int j = 0; j < kw; j++, q += c)
                    {
                        int iw = g.ColMap[ow * kw + j];
                        if (iw < 0) patch.Slice(q, c).Fill(zeroPoint);
                        else xt.Slice((ih * g.Width + iw) * c, c).CopyTo(patch.Slice(q, c));
                    }
                }
            }
    }

    /// <summary>patches[p, (c, kh, kw)] = x[group's channel c, input row of (oh, kh), input column of (ow, kw)], or the
    /// zero point in the padding.</summary>
    private static void Gather(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, int group, sbyte zeroPoint, Span<sbyte> patches)
    {
        int plane = g.Height * g.Width, kh = g.KernelH, kw = g.KernelW, k = g.PatchSize;
        for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                var patch = patches.Slice((oh * g.OutW + ow) * g.PatchStride, k);
                int q = 0;
                for (int c = 0; c < g.GroupChannels; c++)
                {
                    var src = x.Slice((group * g.GroupChannels + c) * plane, plane);
                    for (int i = 0; i < kh; i++)
                    {
                        int ih = g.RowMap[oh * kh + i];
                        if (ih < 0) { patch.Slice(q, kw).Fill(zeroPoint); q += kw; continue; }
                        int first = g.ColMap[ow * kw], last = g.ColMap[ow * kw + kw - 1];
                        if (first >= 0 && last - first == kw - 1) // inside the image, undilated: one copy
                        {
                            src.Slice(ih * g.Width + first, kw).CopyTo(patch.Slice(q, kw));
                            q += kw;
                            continue;
                        }
                        for (int j = 0; j < kw; j++, q++)
                        {
                            int iw = g.ColMap[ow * kw + j];
                            patch[q] = iw < 0 ? zeroPoint : src[ih * g.Width + iw];
                        }
                    }
                }
            }
    }

    /// <summary>The reference: the definition of a convolution on the zero-point-shifted input, in int32, then the same
    /// requantization. Tests compare <see cref="Run"/> on every path with it.</summary>
    public static void Reference(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> biasWithoutCorrection,
        ReadOnlySpan<FixedPointMultiplier> scales, int inputZeroPoint, int outputZeroPoint, int min, int max, Span<sbyte> y)
    {
        int plane = g.Height * g.Width;
        for (int m = 0; m < g.OutChannels; m++)
        {
            int grp = m / g.GroupOutChannels;
            for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int sum = biasWithoutCorrection.IsEmpty ? 0 : biasWithoutCorrection[m];
                    for (int c = 0; c < g.GroupChannels; c++)
                        for (int i = 0; i < g.KernelH; i++)
                            for (int j = 0; j < g.KernelW; j++)
                            {
                                int ih = g.RowMap[oh * g.KernelH + i], iw = g.ColMap[ow * g.KernelW + j];
                                int xv = ih < 0 || iw < 0 ? 0 : x[(grp * g.GroupChannels + c) * plane + ih * g.Width + iw] - inputZeroPoint;
                                sum += xv * w[((m * g.GroupChannels + c) * g.KernelH + i) * g.KernelW + j];
                            }
                    y[(m * g.OutH + oh) * g.OutW + ow] = Requantize.One(sum, scales[scales.Length == 1 ? 0 : m], outputZeroPoint, min, max);
                }
        }
    }

    /// <summary>bias[m] - zero_point · Σ w[m, :]: the build-time correction that lets the kernels multiply raw int8 inputs.</summary>
    public static int[] FoldZeroPoint(ReadOnlySpan<int> bias, ReadOnlySpan<sbyte> w, int outChannels, int zeroPoint)
    {
        int k = w.Length / outChannels;
        var folded = new int[outChannels];
        for (int m = 0; m < outChannels; m++)
        {
            int s = 0;
            foreach (sbyte v in w.Slice(m * k, k)) s += v;
            folded[m] = (bias.IsEmpty ? 0 : bias[m]) - zeroPoint * s;
        }
        return folded;
    }
}
