using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

// A single input channel (the usual stem on a spectrogram or an image), unstrided or strided by 2 along W: pairs of
// adjacent input columns instead of pairs of channels.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>True when the plane pairs adjacent columns rather than channels: one input channel, no dilation along W,
    /// and stride 2, or stride 1 with a kernel wider than one column.</summary>
    /// <remarks>With one channel the channel pairs leave half of every vpmaddwd on a zero weight. Stride 2: the stride
    /// splits each row into two phases; read as int16 pairs, the padded row itself is what a stride-1 convolution over
    /// two channels (the even and the odd columns) with a kernel of ⌈kW/2⌉ columns reads (space-to-depth): the pair at
    /// position ow holds the taps 2j and 2j + 1 of output ow - j. Stride 1: the pair at position q holds columns q and
    /// q + 1 (each column twice in the plane), so output ow takes taps 2j and 2j + 1 from the pair at ow + 2j: two
    /// channels, ⌈kW/2⌉ kernel columns at dilation 2. Either way a 3x3 stem takes 6 multiply-adds per output vector
    /// instead of 9.</remarks>
    internal static bool ColumnPairsApply(Int8ConvGeometry g) =>
        g.Channels == 1 && g.Group == 1 && g.DilationW == 1 && (g.StrideW == 2 || g.StrideW == 1 && g.KernelW > 1);

    /// <summary>Pair positions from one kernel column of the two-channel form to the next: 1 at stride 2, 2 at stride 1.</summary>
    private static int ColumnPairStep(Int8ConvGeometry g) => g.StrideW == 2 ? 1 : 2;

    /// <summary>The geometry the column-pair plane is laid out for: two channels, ⌈kW/2⌉ kernel columns
    /// <see cref="ColumnPairStep"/> apart, stride 1 along W, the column padding already in the plane, the same rows and
    /// outputs.</summary>
    private static Int8ConvGeometry ColumnPairGeometry(Int8ConvGeometry g)
    {
        int kernelW = (g.KernelW + 1) / 2, step = ColumnPairStep(g);
        int reach = (g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1;
        return Int8ConvGeometry.Create(2, g.Height, g.OutW + (kernelW - 1) * step, g.OutChannels, g.KernelH, kernelW, 1, (g.StrideH, 1), (g.DilationH, step),
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

    /// <summary>x [1, H, W] into the column-pair plane: the zero point's pair everywhere, then each image row at its padded
    /// position: widened to int16 (stride 2; the columns no output reads are left out), or as overlapping pairs
    /// (stride 1, <see cref="OverlappingPairs"/>).</summary>
    private void LoadColumnPairs(ReadOnlySpan<sbyte> x, int zeroPoint, Span<int> plane)
    {
        var g = _g;
        var l = _layout;
        plane[..l.PlaneInts].Fill(Pair(zeroPoint, zeroPoint));
        if (g.StrideW == 1)
        {
            for (int ih = 0; ih < g.Height; ih++)
                OverlappingPairs(x.Slice(ih * g.Width, g.Width), (sbyte)zeroPoint, g.PadLeft, plane.Slice((g.PadTop + ih) * l.RowStride, l.RowStride));
            return;
        }
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

    /// <summary>pairs[q] = (r[q], r[q + 1]) as int16 for one row r of the image at its padded position (r[c] is the row's
    /// column c - <paramref name="padLeft"/>, the zero point outside it), for every q the row of pairs holds: sixteen pairs
    /// a step from two overlapping loads interleaved (punpcklbw/punpckhbw) and sign-extended (vpmovsxbw) on AVX2.</summary>
    internal static void OverlappingPairs(ReadOnlySpan<sbyte> row, sbyte zeroPoint, int padLeft, Span<int> pairs)
    {
        int width = row.Length, q = 0;
        // Pairs wholly inside the row start at q = padLeft and end before padLeft + width - 1.
        for (; q < Math.Min(padLeft, pairs.Length); q++) pairs[q] = Pair(At(row, q - padLeft, zeroPoint), At(row, q + 1 - padLeft, zeroPoint));
        if (Avx2.IsSupported)
        {
            ref sbyte r = ref MemoryMarshal.GetReference(row);
            ref short d = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<int, short>(pairs));
            for (; q + 16 <= pairs.Length && q - padLeft + 17 <= width; q += 16)
            {
                var a = Vector128.LoadUnsafe(ref r, (nuint)(q - padLeft));
                var b = Vector128.LoadUnsafe(ref r, (nuint)(q - padLeft + 1));
                Avx2.ConvertToVector256Int16(Sse2.UnpackLow(a, b)).StoreUnsafe(ref d, (nuint)(2 * q));
                Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(a, b)).StoreUnsafe(ref d, (nuint)(2 * q + 16));
            }
        }
        for (; q < pairs.Length; q++) pairs[q] = Pair(At(row, q - padLeft, zeroPoint), At(row, q + 1 - padLeft, zeroPoint));
    }

    /// <summary>row[c], or the zero point outside the row.</summary>
    private static sbyte At(ReadOnlySpan<sbyte> row, int c, sbyte zeroPoint) => (uint)c < (uint)row.Length ? row[c] : zeroPoint;
}
