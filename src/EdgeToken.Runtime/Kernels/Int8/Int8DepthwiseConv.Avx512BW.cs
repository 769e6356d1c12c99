using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The row-pair path on AVX-512BW: sixteen output positions a vpmaddwd, requantized in the register.</summary>
/// <remarks>With sixteen int32 sums in one register, they are turned into int8 at once and stored as sixteen bytes: no
/// accumulators written and read back, which on a 16x16 plane cost as much as the sums. A step that runs past the end
/// of a row writes the next row's first outputs, which that row then overwrites; one that would run past the
/// channel's outputs goes through <see cref="StoreTail"/> instead, so nothing outside them is written.</remarks>
public static partial class Int8DepthwiseConv
{
    /// <summary>One channel from output row <paramref name="fromRow"/> on, any kernel, stride along H and dilation:
    /// y[oh, ow] from the row pairs with <see cref="PairWeights"/>'s table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ChannelRowPairsAvx512(Int8ConvGeometry g, ReadOnlySpan<int> pairs, ReadOnlySpan<int> table,
        in Requantize.Channel512 requantize, Span<sbyte> y, int fromRow)
    {
        if (y.Length < g.OutPixels || pairs.Length < g.RowPairRows * g.RowPairsW) throw new ArgumentException("depthwise int8 convolution: row pairs or output too short");
        int rw = g.RowPairsW, outW = g.OutW, kW = g.KernelW, pairRows = g.PairRowsPerOutput, dW = g.DilationW, last = g.OutPixels;
        ref int p = ref MemoryMarshal.GetReference(pairs);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        for (int oh = fromRow; oh < g.OutH; oh++)
        {
            var (first, parity) = FirstPair(g, oh);
            var weights = table.Slice(parity * pairRows * kW, pairRows * kW);
            int row = oh * outW;
            for (int ow = 0; ow < outW; ow += 16)
            {
                var sum = Vector512<int>.Zero;
                for (int j = 0; j < pairRows; j++)
                {
                    nuint at = (nuint)((first + j) * rw + ow);
                    for (int kw = 0; kw < kW; kw++)
                        sum += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, at + (nuint)(kw * dW)).AsInt16(), Vector512.Create(weights[j * kW + kw]).AsInt16());
                }
                var bytes = requantize.Apply(sum);
                if (row + ow + 16 <= last) bytes.StoreUnsafe(ref ys, (nuint)(row + ow));
                else StoreTail(bytes, y[(row + ow)..last]);
            }
        }
    }

    /// <summary>True when <see cref="Channel3x3Avx512"/> applies: a 3x3 kernel, stride 1, no dilation along H.</summary>
    internal static bool Channel3x3Applies(Int8ConvGeometry g) => g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1;

    /// <summary>A 3x3 channel with a scale below one (as a convolution's always is in practice), two output rows at a
    /// time: rows 2m and 2m + 1 both read row pairs m and m + 1, so the six loads serve both, with the weights
    /// (w0, w1), (w2, 0) for the first and (0, w0), (w1, w2) for the second, all twelve and the requantization constants
    /// in registers. Does the row pairs whose every step it can store whole; returns the first output row it did not do,
    /// for <see cref="ChannelRowPairsAvx512"/> to finish. <typeparamref name="TRounding"/>: as <see cref="Requantize.RoundingFor"/>
    /// chooses.</summary>
    /// <remarks>Within a row pair the steps run from the last column down, so that the first row's last step, running
    /// into the second row, is overwritten by the second row's first step. Everything is made here from scalars, in one
    /// method without a call: a call in the loop's method makes the JIT keep the weights on the stack, storing and
    /// reloading them every step (512-bit stores the loads cannot always take forwarded), and constants in a struct are
    /// loaded again every step. Both were measured: the first made the kernel slower than before the row pairs.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static int Channel3x3Avx512<TRounding>(ref int p, ReadOnlySpan<sbyte> wc, int bias, FixedPointMultiplier scale, int zeroPoint, int min, int max,
        ref sbyte ys, int outH, int outW, int rw, int dW) where TRounding : struct, Requantize.IRounding
    {
        if (wc.Length < 9 || scale.Shift < 0) throw new ArgumentException("Channel3x3Avx512: nine weights and a scale below one");
        var (e0, e1, e2, e3, e4, e5) = EvenRowWeights(wc);
        var (o0, o1, o2, o3, o4, o5) = OddRowWeights(wc);
        var b = Vector512.Create(bias);
        var multiplier = Vector512.Create((long)scale.Multiplier);
        var (half, shift, zp, lo, hi) = TRounding.Constants(scale, zeroPoint, min, max);
        int last = outH * outW, lastStep = (outW - 1) & ~15;
        nuint d = (nuint)dW;
        int m = 0;
        // Row pair m is whole-stored if its second row's last step ends within the channel's outputs.
        for (; 2 * m + 1 < outH && (2 * m + 1) * outW + lastStep + 16 <= last; m++)
        {
            int even = 2 * m * outW, odd = even + outW;
            for (int ow = lastStep; ow >= 0; ow -= 16)
            {
                var (sumEven, sumOdd) = Sums3x3(ref p, (nuint)(m * rw + ow), (nuint)rw, d, e0, e1, e2, e3, e4, e5, o0, o1, o2, o3, o4, o5);
                Requantize.SixteenBelowOne<TRounding>(sumEven + b, multiplier.AsInt32(), multiplier.AsInt32(), half, shift, zp, lo, hi).StoreUnsafe(ref ys, (nuint)(even + ow));
                Requantize.SixteenBelowOne<TRounding>(sumOdd + b, multiplier.AsInt32(), multiplier.AsInt32(), half, shift, zp, lo, hi).StoreUnsafe(ref ys, (nuint)(odd + ow));
            }
        }
        return 2 * m;
    }

    /// <summary><see cref="Channel3x3Avx512{TRounding}"/> with a <see cref="NarrowRequantization"/>: the same sums, each
    /// sixteen requantized in a vpmulld, an add and a shift (<typeparamref name="TSign"/>: with or without the sign term),
    /// all constants in registers. Returns the first output row it did not do.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static int Channel3x3NarrowAvx512<TSign>(ref int p, ReadOnlySpan<sbyte> wc, NarrowRequantization n,
        ref sbyte ys, int outH, int outW, int rw, int dW) where TSign : struct, Requantize.INarrowSign
    {
        if (wc.Length < 9) throw new ArgumentException("Channel3x3NarrowAvx512: nine weights");
        var (e0, e1, e2, e3, e4, e5) = EvenRowWeights(wc);
        var (o0, o1, o2, o3, o4, o5) = OddRowWeights(wc);
        var (multiplier, biasProduct, offset, shift, lo, hi) = Requantize.NarrowConstants<TSign>(n);
        int last = outH * outW, lastStep = (outW - 1) & ~15;
        nuint d = (nuint)dW;
        int m = 0;
        for (; 2 * m + 1 < outH && (2 * m + 1) * outW + lastStep + 16 <= last; m++)
        {
            int even = 2 * m * outW, odd = even + outW;
            for (int ow = lastStep; ow >= 0; ow -= 16)
            {
                var (sumEven, sumOdd) = Sums3x3(ref p, (nuint)(m * rw + ow), (nuint)rw, d, e0, e1, e2, e3, e4, e5, o0, o1, o2, o3, o4, o5);
                TSign.Sixteen(sumEven, multiplier, biasProduct, offset, shift, lo, hi).StoreUnsafe(ref ys, (nuint)(even + ow));
                TSign.Sixteen(sumOdd, multiplier, biasProduct, offset, shift, lo, hi).StoreUnsafe(ref ys, (nuint)(odd + ow));
            }
        }
        return 2 * m;
    }

    /// <summary>The first row of a pair's weights: (w0, w1), (w2, 0) per kernel column, as pairs of rows m and m + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<short>, Vector512<short>, Vector512<short>, Vector512<short>, Vector512<short>, Vector512<short>) EvenRowWeights(ReadOnlySpan<sbyte> wc) =>
        (Vector512.Create(WeightPair(wc[0], wc[3])).AsInt16(), Vector512.Create(WeightPair(wc[1], wc[4])).AsInt16(), Vector512.Create(WeightPair(wc[2], wc[5])).AsInt16(),
         Vector512.Create(WeightPair(wc[6], 0)).AsInt16(), Vector512.Create(WeightPair(wc[7], 0)).AsInt16(), Vector512.Create(WeightPair(wc[8], 0)).AsInt16());

    /// <summary>The second row's: (0, w0), (w1, w2) per kernel column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<short>, Vector512<short>, Vector512<short>, Vector512<short>, Vector512<short>, Vector512<short>) OddRowWeights(ReadOnlySpan<sbyte> wc) =>
        (Vector512.Create(WeightPair(0, wc[0])).AsInt16(), Vector512.Create(WeightPair(0, wc[1])).AsInt16(), Vector512.Create(WeightPair(0, wc[2])).AsInt16(),
         Vector512.Create(WeightPair(wc[3], wc[6])).AsInt16(), Vector512.Create(WeightPair(wc[4], wc[7])).AsInt16(), Vector512.Create(WeightPair(wc[5], wc[8])).AsInt16());

    /// <summary>The sums of two output rows' sixteen positions from row pairs at <paramref name="r0"/> and r0 + rw: six
    /// loads, twelve vpmaddwd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<int> Even, Vector512<int> Odd) Sums3x3(ref int p, nuint r0, nuint rw, nuint d,
        Vector512<short> e0, Vector512<short> e1, Vector512<short> e2, Vector512<short> e3, Vector512<short> e4, Vector512<short> e5,
        Vector512<short> o0, Vector512<short> o1, Vector512<short> o2, Vector512<short> o3, Vector512<short> o4, Vector512<short> o5)
    {
        nuint r1 = r0 + rw;
        var a0 = Vector512.LoadUnsafe(ref p, r0).AsInt16();
        var a1 = Vector512.LoadUnsafe(ref p, r0 + d).AsInt16();
        var a2 = Vector512.LoadUnsafe(ref p, r0 + 2 * d).AsInt16();
        var c0 = Vector512.LoadUnsafe(ref p, r1).AsInt16();
        var c1 = Vector512.LoadUnsafe(ref p, r1 + d).AsInt16();
        var c2 = Vector512.LoadUnsafe(ref p, r1 + 2 * d).AsInt16();
        var even = (Avx512BW.MultiplyAddAdjacent(a0, e0) + Avx512BW.MultiplyAddAdjacent(a1, e1))
            + (Avx512BW.MultiplyAddAdjacent(a2, e2) + Avx512BW.MultiplyAddAdjacent(c0, e3))
            + (Avx512BW.MultiplyAddAdjacent(c1, e4) + Avx512BW.MultiplyAddAdjacent(c2, e5));
        var odd = (Avx512BW.MultiplyAddAdjacent(a0, o0) + Avx512BW.MultiplyAddAdjacent(a1, o1))
            + (Avx512BW.MultiplyAddAdjacent(a2, o2) + Avx512BW.MultiplyAddAdjacent(c0, o3))
            + (Avx512BW.MultiplyAddAdjacent(c1, o4) + Avx512BW.MultiplyAddAdjacent(c2, o5));
        return (even, odd);
    }

    /// <summary>Two weights as <see cref="PairWeights"/> lays them out: the first in the low int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WeightPair(int low, int high) => (ushort)(short)low | (high << 16);

    /// <summary>The first <c>y.Length</c> (fewer than sixteen) of <paramref name="bytes"/>.</summary>
    private static void StoreTail(Vector128<sbyte> bytes, Span<sbyte> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = bytes.GetElement(i);
    }
}
