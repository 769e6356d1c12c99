using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The row-pair path of <see cref="Int8DepthwiseConv"/> on AVX-512BW: two kernel rows a multiply.</summary>
/// <remarks>The bordered plane is rewritten as row pairs, <c>pairs[m, c] = (plane[2m, c], plane[2m + 1, c])</c>, two
/// int16 in one int32. One vpmaddwd of a run of pairs with a broadcast pair of weights then gives, for each output
/// position (the int32 lanes), the exact int32 sum of the two taps that fall on those rows: no int16 product to keep
/// within bounds (so a -128 weight costs nothing) and no widening. An output row whose first plane row is even takes
/// pairs (w[0], w[1]), (w[2], 0) for a 3x3 kernel; one whose first row is odd takes (0, w[0]), (w[1], w[2]) from the same
/// pairs, so consecutive output rows share their loads (<see cref="PairWeights"/> makes both sets). Against the earlier
/// int16 products: six multiplies for 16 outputs on AVX-512BW instead of nine multiplies, four adds and five widenings
/// to two int32 halves, and only every other plane row to interleave.</remarks>
public static partial class Int8DepthwiseConv
{
    /// <summary>True when the row-pair path runs: stride 1 or 2 along W on AVX-512BW.</summary>
    /// <remarks>Not on AVX2 alone: there the sums had to go through the accumulators and the 256-bit requantization,
    /// and a row-pair version of that (eight positions a vpmaddwd) measured slower than the int16 products of
    /// <see cref="SumsVector"/> (about 9 against 6 µs for 16 channels of 16x16), so AVX2 keeps those.</remarks>
    internal static bool RowPairsApply(Int8ConvGeometry g) => g.StrideW is 1 or 2 && Avx512BW.IsSupported;

    /// <summary>True when <see cref="RowPairsFromInput"/> can build the row pairs: input rows a whole number of sixteen
    /// columns, so its stores cover the interior exactly and leave the border as the call's fill made it.</summary>
    internal static bool RowPairsFromInputApply(Int8ConvGeometry g) => g.Width % 16 == 0;

    /// <summary>pairs[m, c] = (plane[2m, c], plane[2m + 1, c]) for every row pair, sixteen columns a step up to
    /// <see cref="Int8ConvGeometry.RowPairsW"/> (the plane's sixteen spare values cover the reads past its width):
    /// vpunpcklwd/vpunpckhwd interleave within 128-bit lanes, vperm2i128 puts the lanes back in column order.</summary>
    internal static void BuildRowPairs(Int8ConvGeometry g, ReadOnlySpan<short> plane, Span<int> pairs)
    {
        int pw = g.PlaneW, rw = g.RowPairsW;
        if (plane.Length < g.PlaneRows * pw + 16 || pairs.Length < g.RowPairRows * rw) throw new ArgumentException("depthwise int8 convolution: plane or row pairs too short");
        ref short p = ref MemoryMarshal.GetReference(plane);
        ref int q = ref MemoryMarshal.GetReference(pairs);
        for (int m = 0; m < g.RowPairRows; m++)
        {
            nuint top = (nuint)(2 * m * pw), bottom = top + (nuint)pw, to = (nuint)(m * rw);
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

    /// <summary>The interior of the row pairs straight from the channel's int8 rows, without the int16 plane: for each
    /// pair whose two rows are not both border, sixteen columns a step, the two input rows' bytes interleaved
    /// (punpcklbw/punpckhbw, the zero point standing in for a border row) and sign-extended to int16 pairs (one
    /// vpmovsxbw to a 512-bit register, one store).
    /// Border rows and columns are left as the caller filled them, pairs of the zero point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RowPairsFromInput(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, sbyte zeroPoint, Span<int> pairs)
    {
        int width = g.Width, height = g.Height, rw = g.RowPairsW, padTop = g.PadTop, rows = g.RowPairRows;
        if (width % 16 != 0 || x.Length < height * width || pairs.Length < rows * rw || g.PadLeft + width > rw)
            throw new ArgumentException("depthwise int8 convolution: input or row pairs do not fit");
        ref sbyte src = ref MemoryMarshal.GetReference(x);
        ref int q = ref Unsafe.Add(ref MemoryMarshal.GetReference(pairs), g.PadLeft);
        var border = Vector128.Create(zeroPoint);
        for (int m = 0; m < rows; m++)
        {
            int top = 2 * m - padTop, bottom = top + 1;
            bool hasTop = (uint)top < (uint)height, hasBottom = (uint)bottom < (uint)height;
            if (!hasTop && !hasBottom) continue;
            nuint to = (nuint)(m * rw);
            for (int c = 0; c < width; c += 16)
            {
                var a = hasTop ? Vector128.LoadUnsafe(ref src, (nuint)(top * width + c)) : border;
                var b = hasBottom ? Vector128.LoadUnsafe(ref src, (nuint)(bottom * width + c)) : border;
                Avx512BW.ConvertToVector512Int16(Vector256.Create(Sse2.UnpackLow(a, b), Sse2.UnpackHigh(a, b))).AsInt32().StoreUnsafe(ref q, to + (nuint)c);
            }
        }
    }

    /// <summary>The weights of one channel as the row pairs are multiplied by them, for both parities of an output
    /// row's first plane row: <c>table[(parity · J + j) · kW + kw]</c> pairs the taps of kernel column kw that fall on the
    /// two rows of the j-th row pair the output row reads (J = <see cref="Int8ConvGeometry.PairRowsPerOutput"/>), the
    /// first row's in the low int16, zero where no tap falls.</summary>
    internal static void PairWeights(Int8ConvGeometry g, ReadOnlySpan<sbyte> wc, Span<int> table)
    {
        int kH = g.KernelH, kW = g.KernelW, dH = g.DilationH, pairRows = g.PairRowsPerOutput;
        table[..(2 * pairRows * kW)].Clear();
        for (int parity = 0; parity < 2; parity++)
            for (int kh = 0; kh < kH; kh++)
            {
                int row = parity + kh * dH, j = row >> 1, half = row & 1;
                for (int kw = 0; kw < kW; kw++)
                {
                    ref int pair = ref table[(parity * pairRows + j) * kW + kw];
                    pair |= half == 0 ? (ushort)(short)wc[kh * kW + kw] : wc[kh * kW + kw] << 16;
                }
            }
    }

    /// <summary>The first row pair output row <paramref name="oh"/> reads, and whether its first plane row is the pair's
    /// second (the parity that picks the weights in <see cref="PairWeights"/>'s table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Pair, int Parity) FirstPair(Int8ConvGeometry g, int oh)
    {
        int row = oh * g.StrideH;
        return (row >> 1, row & 1);
    }
}
