using EdgeToken.Runtime.Kernels.Convolution;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>N:M-pruned convolutions (ungrouped, 1-D or 2-D), written by the compiler's sparse rewrite. The weights
/// [M, C, kernel...] are seen as [M, depth] and stored compressed (<see cref="NmSparse"/>, masks shared by panels of
/// output channels):
/// <list type="bullet">
/// <item><c>EdgeToken.SparseConv</c> (float): values [M, kept] over the depth (channel, tap) in ONNX order; inputs x,
/// values, indices, optional bias [M]; Conv's attributes (and a fused activation) plus <see cref="WeightShape"/>,
/// <c>nm_n</c>, <c>nm_m</c>, <c>panel</c>. <c>ShiftedRowsConvKernel</c> packs each block of 6 output channels with its
/// kept depth entries only and reads the input rows of those taps only.</item>
/// <item><c>EdgeToken.QSparseConv</c> (int8): the units are (channel pair, tap), numbered tap-major
/// (<see cref="PairTapColumns"/>), values [M, kept units · 2] (the two channels' weights of each kept unit); inputs x,
/// values, indices, bias int32 [M]; <c>EdgeToken.QConv</c>'s attributes plus the same four.
/// <c>Int8ShiftedRowsConv</c> runs each block of 4 output channels over its kept units only.</item>
/// </list>
/// The panel must be a multiple of the kernel's block (<see cref="PanelFits"/>). A depth (or unit count) that M does not
/// divide is padded with zero columns to a multiple of M (<see cref="Padded"/>) before it is compressed: the pruner keeps
/// ceil(N · len / M) of a last partial group, which fits N:M once padded; the kernels point a padded entry at any valid
/// input row and multiply it by its zero weight.</summary>
public static class SparseConv
{
    public const string Float = "EdgeToken.SparseConv";
    public const string Int8 = "EdgeToken.QSparseConv";
    /// <summary>Attribute: the dense weight's dims [M, C, kernel...], which the compressed values no longer show.</summary>
    public const string WeightShape = "weight_shape";

    /// <summary>Whether masks shared by <paramref name="panel"/> output channels give every block of the kernel one
    /// list of kept depth entries (float: <c>Sgemm.MR</c> = 6 channels; int8: 4).</summary>
    public static bool PanelFits(bool int8, int panel) => panel > 0 && panel % (int8 ? Int8ShiftedRowsConv.MR : Linear.Sgemm.MR) == 0;

    /// <summary><paramref name="length"/> rounded up to a multiple of <paramref name="m"/>: the compressed axis.</summary>
    public static int Padded(int length, int m) => (length + m - 1) / m * m;

    /// <summary>Compresses float weights [M, depth] along the depth, padded with zero columns to a multiple of M, or false
    /// when some panel's group of M has more than N columns with a non-zero weight.</summary>
    public static bool TryCompressFloat(ReadOnlySpan<float> w, int outChannels, int depth, int n, int m, int panel, out float[] values, out byte[] indices)
    {
        int padded = Padded(depth, m);
        if (padded == depth) return NmSparse.TryCompress(w, outChannels, depth, n, m, panel, out values, out indices);
        var wide = new float[outChannels * padded];
        for (int o = 0; o < outChannels; o++) w.Slice(o * depth, depth).CopyTo(wide.AsSpan(o * padded));
        return NmSparse.TryCompress<float>(wide, outChannels, padded, n, m, panel, out values, out indices);
    }

    /// <summary>Int8 units of a [M, channels, taps] weight: (channels + 1) / 2 pairs for every tap.</summary>
    public static int Units(int channels, int taps) => (channels + 1) / 2 * taps;

    /// <summary>For each unit u = tap · pairs + pair, its two depth columns (channel · taps + tap) in the [M, channels · taps]
    /// view, -1 for the missing channel of an odd count: what the pruner scores and zeroes together.</summary>
    public static int[] PairTapColumns(int channels, int taps)
    {
        int pairs = (channels + 1) / 2;
        var columns = new int[2 * pairs * taps];
        for (int t = 0; t < taps; t++)
            for (int p = 0; p < pairs; p++)
            {
                int u = t * pairs + p;
                columns[2 * u] = 2 * p * taps + t;
                columns[2 * u + 1] = 2 * p + 1 < channels ? (2 * p + 1) * taps + t : -1;
            }
        return columns;
    }

    /// <summary>Compresses int8 weights [M, channels · taps] over (pair, tap) units (padded with zero units to a multiple
    /// of M), or false when some panel's group of M units has more than N with a non-zero weight.</summary>
    public static bool TryCompressInt8(ReadOnlySpan<sbyte> w, int outChannels, int channels, int taps, int n, int m, int panel,
        out sbyte[] values, out byte[] indices)
    {
        int units = Units(channels, taps), padded = Padded(units, m);
        var columns = PairTapColumns(channels, taps);
        var pairs = new int[outChannels * padded];
        for (int o = 0; o < outChannels; o++)
            for (int u = 0; u < units; u++)
            {
                int lo = w[o * channels * taps + columns[2 * u]], hi = columns[2 * u + 1] < 0 ? 0 : w[o * channels * taps + columns[2 * u + 1]];
                pairs[o * padded + u] = (byte)lo | (byte)hi << 8;
            }
        values = [];
        if (!NmSparse.TryCompress<int>(pairs, outChannels, padded, n, m, panel, out var kept, out indices)) return false;
        values = new sbyte[2 * kept.Length];
        for (int i = 0; i < kept.Length; i++) (values[2 * i], values[2 * i + 1]) = ((sbyte)kept[i], (sbyte)(kept[i] >> 8));
        return true;
    }

    /// <summary>The dense int8 weights [M, channels · taps] back from <see cref="TryCompressInt8"/>'s form.</summary>
    public static sbyte[] DecompressInt8(ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices, int outChannels, int channels, int taps, int n, int m, int panel)
    {
        int units = Units(channels, taps), kept = NmSparse.Kept(Padded(units, m), n, m);
        var columns = PairTapColumns(channels, taps);
        var w = new sbyte[outChannels * channels * taps];
        for (int o = 0; o < outChannels; o++)
            for (int j = 0; j < kept; j++)
            {
                int u = NmSparse.Column(indices, o / panel, j, kept, n, m);
                if (u >= units) continue; // padding
                w[o * channels * taps + columns[2 * u]] = values[2 * (o * kept + j)];
                if (columns[2 * u + 1] >= 0) w[o * channels * taps + columns[2 * u + 1]] = values[2 * (o * kept + j) + 1];
            }
        return w;
    }

    /// <summary>The float reference the sparse kernel is tested against: the definition, one kept weight at a time,
    /// straight from the compressed layout (y is overwritten; bias may be empty).</summary>
    internal static void Reference(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> values, ReadOnlySpan<byte> indices,
        int n, int m, int panel, ReadOnlySpan<float> bias, Span<float> y)
    {
        int depth = g.Channels * g.KernelVolume, kept = NmSparse.Kept(Padded(depth, m), n, m), kernelHW = g.Kernel[1] * g.Kernel[2];
        for (int b = 0; b < g.Batch; b++)
            for (int oc = 0; oc < g.OutChannels; oc++)
                for (int oh = 0; oh < g.Out[1]; oh++)
                    for (int ow = 0; ow < g.Out[2]; ow++)
                    {
                        float sum = bias.IsEmpty ? 0f : bias[oc];
                        for (int j = 0; j < kept; j++)
                        {
                            int d = NmSparse.Column(indices, oc / panel, j, kept, n, m);
                            if (d >= depth) continue; // padding
                            int c = d / kernelHW, kh = d % kernelHW / g.Kernel[2], kw = d % g.Kernel[2];
                            int ih = oh * g.Stride[1] - g.PadBegin[1] + kh * g.Dilation[1];
                            int iw = ow * g.Stride[2] - g.PadBegin[2] + kw * g.Dilation[2];
                            if (ih < 0 || ih >= g.In[1] || iw < 0 || iw >= g.In[2]) continue;
                            sum += x[((b * g.Channels + c) * g.In[1] + ih) * g.In[2] + iw] * values[oc * kept + j];
                        }
                        y[((b * g.OutChannels + oc) * g.Out[1] + oh) * g.Out[2] + ow] = sum;
                    }
    }

    /// <summary>The int8 reference: one image's int32 sums [M, OH, OW] (no bias), one kept unit at a time, straight from
    /// the compressed layout; the padding holds <paramref name="inputZeroPoint"/>, as in <c>Int8Conv</c>.</summary>
    public static void Int8Reference(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices,
        int n, int m, int panel, int inputZeroPoint, Span<int> sums)
    {
        int taps = g.KernelH * g.KernelW, pairs = (g.Channels + 1) / 2, units = Units(g.Channels, taps), kept = NmSparse.Kept(Padded(units, m), n, m);
        for (int o = 0; o < g.OutChannels; o++)
            for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int sum = 0;
                    for (int j = 0; j < kept; j++)
                    {
                        int u = NmSparse.Column(indices, o / panel, j, kept, n, m), t = u / pairs, p = u % pairs;
                        if (u >= units) continue; // padding
                        int ih = oh * g.StrideH - g.PadTop + t / g.KernelW * g.DilationH, iw = ow * g.StrideW - g.PadLeft + t % g.KernelW * g.DilationW;
                        bool inside = ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width;
                        for (int h = 0; h < 2 && 2 * p + h < g.Channels; h++)
                        {
                            int xv = inside ? x[((2 * p + h) * g.Height + ih) * g.Width + iw] : inputZeroPoint;
                            sum += xv * values[2 * (o * kept + j) + h];
                        }
                    }
                    sums[(o * g.OutH + oh) * g.OutW + ow] = sum;
                }
    }
}
