using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Int8;

// A single input channel strided by 2 along W (the usual downsampling stem on a spectrogram or an image): pairs of
// adjacent input columns instead of pairs of channels.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>True when the plane pairs adjacent columns rather than channels: one input channel, stride 2 and no
    /// dilation along W.</summary>
    /// <remarks>With one channel the channel pairs leave half of every vpmaddwd on a zero weight, and the stride splits
    /// each row into two phases. Read as int16 pairs, the padded row itself is what a stride-1 convolution over two
    /// channels (the even and the odd columns) with a kernel of ⌈kW/2⌉ columns reads (space-to-depth): the pair at
    /// position ow holds the taps 2j and 2j + 1 of output ow - j. So the plane is the image widened to int16 with its
    /// border, and a 3x3 stem takes 6 multiply-adds per output vector instead of 9.</remarks>
    internal static bool ColumnPairsApply(Int8ConvGeometry g) => g.Channels == 1 && g.Group == 1 && g.StrideW == 2 && g.DilationW == 1;

    /// <summary>The geometry the column-pair plane is laid out for: two channels (the even and the odd padded columns),
    /// ⌈kW/2⌉ kernel columns, stride 1 along W, the column padding already in the plane, the same rows and outputs.</summary>
    private static Int8ConvGeometry ColumnPairGeometry(Int8ConvGeometry g)
    {
        int kernelW = (g.KernelW + 1) / 2;
        int reach = (g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1;
        return Int8ConvGeometry.Create(2, g.Height, g.OutW + kernelW - 1, g.OutChannels, g.KernelH, kernelW, 1, (g.StrideH, 1), (g.DilationH, 1),
            (g.PadTop, 0, Math.Max(0, reach - g.PadTop - g.Height), 0));
    }

    /// <summary>w [M, 1, kH, kW] as the two-channel kernel [M, 2, kH, ⌈kW/2⌉]: channel c, column j holds tap 2j + c, or
    /// 0 past the last tap.</summary>
    private static sbyte[] ColumnPairWeights(Int8ConvGeometry g, ReadOnlySpan<sbyte> w)
    {
        int kh = g.KernelH, kw = g.KernelW, kw2 = (kw + 1) / 2;
        var split = new sbyte[g.OutChannels * 2 * kh * kw2];
        for (int m = 0; m < g.OutChannels; m++)
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw2; j++)
                        if (2 * j + c < kw) split[((m * 2 + c) * kh + i) * kw2 + j] = w[(m * kh + i) * kw + 2 * j + c];
        return split;
    }

    /// <summary>x [1, H, W] into the column-pair plane: the zero point's pair everywhere, then each image row widened to
    /// int16 at its padded position (the columns no output reads are left out).</summary>
    private void LoadColumnPairs(ReadOnlySpan<sbyte> x, int zeroPoint, Span<int> plane)
    {
        var g = _g;
        var l = _layout;
        plane[..l.PlaneInts].Fill(Pair(zeroPoint, zeroPoint));
        var halves = MemoryMarshal.Cast<int, short>(plane);
        int columns = Math.Clamp(2 * l.RowStride - g.PadLeft, 0, g.Width);
        for (int ih = 0; ih < g.Height; ih++)
            Widen(x.Slice(ih * g.Width, columns), halves.Slice(2 * (g.PadTop + ih) * l.RowStride + g.PadLeft, columns));
    }

    /// <summary>dst[i] = x[i] as int16, sixteen at a time (vpmovsxbw on x86).</summary>
    private static void Widen(ReadOnlySpan<sbyte> x, Span<short> dst)
    {
        if (dst.Length < x.Length) throw new ArgumentException("the widened row does not fit");
        ref sbyte s = ref MemoryMarshal.GetReference(x);
        ref short d = ref MemoryMarshal.GetReference(dst);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= x.Length - 16; i += 16)
                Vector256.WidenLower(Vector128.LoadUnsafe(ref s, (nuint)i).ToVector256Unsafe()).StoreUnsafe(ref d, (nuint)i);
        for (; i < x.Length; i++) dst[i] = x[i];
    }
}
