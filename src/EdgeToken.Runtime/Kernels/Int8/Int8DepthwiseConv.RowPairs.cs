using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The row-pair path of <see cref="Int8DepthwiseConv"/> on x64 (AVX2, AVX-512BW): two kernel rows a multiply.</summary>
/// <remarks>The bordered int16 plane is rewritten as a plane of row pairs, <c>pairs[r, c] = (plane[r, c],
/// plane[r + dilationH, c])</c>, two int16 in one int32. One vpmaddwd of a run of pairs with the broadcast pair of weights
/// (w[kh, kw], w[kh + 1, kw]) then gives, for each output position (the int32 lanes), the exact int32 sum of two taps:
/// no int16 product to keep within bounds (so a -128 weight costs nothing), no widening. A 3x3 kernel is six multiplies
/// (rows 0 and 1 in pairs, row 2 paired with a zero weight) for 16 outputs on AVX-512BW, against nine multiplies, four
/// int16 adds and five widenings to two int32 halves before. Each row pair is read by two output rows, so building it
/// (a load of each row and an unpack) is paid back.</remarks>
public static partial class Int8DepthwiseConv
{
    /// <summary>True when the row-pair path runs: stride 1 along W on AVX2 or AVX-512BW.</summary>
    internal static bool RowPairsApply(Int8ConvGeometry g) => g.StrideW == 1 && Avx2.IsSupported;

    /// <summary>pairs[r, c] = (plane[r, c], plane[r + dilationH, c]) for every row of the plane, sixteen columns a step
    /// up to <see cref="Int8ConvGeometry.RowPairsW"/> (the plane's spare rows and values cover the reads past its width):
    /// vpunpcklwd/vpunpckhwd interleave within 128-bit lanes, vperm2i128 puts the lanes back in column order.</summary>
    internal static void BuildRowPairs(Int8ConvGeometry g, ReadOnlySpan<short> plane, Span<int> pairs)
    {
        int pw = g.PlaneW, rw = g.RowPairsW, below = g.DilationH * pw;
        if (plane.Length < g.PlaneRows * pw + 16 || pairs.Length < g.PlaneH * rw) throw new ArgumentException("depthwise int8 convolution: plane or row pairs too short");
        ref short p = ref MemoryMarshal.GetReference(plane);
        ref int q = ref MemoryMarshal.GetReference(pairs);
        for (int r = 0; r < g.PlaneH; r++)
        {
            nuint top = (nuint)(r * pw), bottom = (nuint)(r * pw + below), to = (nuint)(r * rw);
            for (nuint c = 0; c < (nuint)rw; c += 16)
            {
                var a = Vector256.LoadUnsafe(ref p, top + c);
                var b = Vector256.LoadUnsafe(ref p, bottom + c);
                var low = Avx2.UnpackLow(a, b);   // columns 0-3 | 8-11
                var high = Avx2.UnpackHigh(a, b); // columns 4-7 | 12-15
                Avx2.Permute2x128(low, high, 0x20).AsInt32().StoreUnsafe(ref q, to + c);
                Avx2.Permute2x128(low, high, 0x31).AsInt32().StoreUnsafe(ref q, to + c + 8);
            }
        }
    }

    /// <summary>True when <see cref="RowPairsFromInput"/> can build the row pairs: input rows a whole number of sixteen
    /// columns, so its stores cover the interior exactly and leave the border as the call's fill made it.</summary>
    internal static bool RowPairsFromInputApply(Int8ConvGeometry g) => g.Width % 16 == 0;

    /// <summary>The interior of the row pairs straight from the channel's int8 rows, without the int16 plane: for each
    /// row pair whose rows are not both border, sixteen columns a step, the two input rows' bytes interleaved
    /// (punpcklbw/punpckhbw, the zero point standing in for a border row) and sign-extended to int16 pairs (vpmovsxbw).
    /// Rows and columns of border are left as the caller filled them, pairs of the zero point.</summary>
    internal static void RowPairsFromInput(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, sbyte zeroPoint, Span<int> pairs)
    {
        int width = g.Width, height = g.Height, rw = g.RowPairsW;
        if (width % 16 != 0 || x.Length < height * width || pairs.Length < g.PlaneH * rw || g.PadLeft + width > rw)
            throw new ArgumentException("depthwise int8 convolution: input or row pairs do not fit");
        ref sbyte src = ref MemoryMarshal.GetReference(x);
        ref int q = ref Unsafe.Add(ref MemoryMarshal.GetReference(pairs), g.PadLeft);
        var border = Vector128.Create(zeroPoint);
        for (int r = 0; r < g.PlaneH; r++)
        {
            int top = r - g.PadTop, bottom = top + g.DilationH;
            bool hasTop = (uint)top < (uint)height, hasBottom = (uint)bottom < (uint)height;
            if (!hasTop && !hasBottom) continue;
            nuint to = (nuint)(r * rw);
            for (int c = 0; c < width; c += 16)
            {
                var a = hasTop ? Vector128.LoadUnsafe(ref src, (nuint)(top * width + c)) : border;
                var b = hasBottom ? Vector128.LoadUnsafe(ref src, (nuint)(bottom * width + c)) : border;
                Avx2.ConvertToVector256Int16(Sse2.UnpackLow(a, b)).AsInt32().StoreUnsafe(ref q, to + (nuint)c);
                Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(a, b)).AsInt32().StoreUnsafe(ref q, to + (nuint)c + 8);
            }
        }
    }

    /// <summary>The weights of one channel as the row-pair path multiplies them: for each pair of kernel rows (the last
    /// alone, paired with zero, when kH is odd) and each kernel column, w[kh, kw] in the low int16 and w[kh + 1, kw]
    /// in the high one. <paramref name="pairWeights"/> holds ⌈kH/2⌉ · kW.</summary>
    internal static void PairWeights(Int8ConvGeometry g, ReadOnlySpan<sbyte> wc, Span<int> pairWeights)
    {
        int kH = g.KernelH, kW = g.KernelW;
        for (int j = 0; j < (kH + 1) / 2; j++)
            for (int kw = 0; kw < kW; kw++)
            {
                int kh = 2 * j;
                int low = wc[kh * kW + kw], high = kh + 1 < kH ? wc[(kh + 1) * kW + kw] : 0;
                pairWeights[j * kW + kw] = (ushort)(short)low | (high << 16);
            }
    }

    /// <summary>Row pair that kernel-row pair j of output row oh reads, relative to the output row's first: 2j rows of
    /// the dilation down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PairRow(Int8ConvGeometry g, int j) => 2 * j * g.DilationH;

    /// <summary>acc[oh, ow] for every output position from the row pairs, eight positions a vpmaddwd (AVX2); the
    /// vector steps run past each row into the next row's accumulators and the spare ones, as <see cref="SumsVector"/>'s do.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SumsRowPairsAvx2(Int8ConvGeometry g, ReadOnlySpan<int> pairs, ReadOnlySpan<int> pairWeights, Span<int> acc)
    {
        if (acc.Length < g.OutPixels + Lanes || pairs.Length < g.PlaneH * g.RowPairsW) throw new ArgumentException("depthwise int8 convolution: row pairs or accumulators too short");
        int rw = g.RowPairsW, outW = g.OutW, kW = g.KernelW, pairRows = (g.KernelH + 1) / 2, sH = g.StrideH * rw, dW = g.DilationW;
        ref int p = ref MemoryMarshal.GetReference(pairs);
        ref int a = ref MemoryMarshal.GetReference(acc);
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int top = oh * sH, row = oh * outW;
            for (int ow = 0; ow < outW; ow += 8)
            {
                var sum = Vector256<int>.Zero;
                for (int j = 0; j < pairRows; j++)
                {
                    nuint at = (nuint)(top + PairRow(g, j) * rw + ow);
                    for (int kw = 0; kw < kW; kw++)
                        sum += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref p, at + (nuint)(kw * dW)).AsInt16(), Vector256.Create(pairWeights[j * kW + kw]).AsInt16());
                }
                sum.StoreUnsafe(ref a, (nuint)(row + ow));
            }
        }
    }
}
