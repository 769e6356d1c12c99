using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The row-pair path on AVX-512BW: sixteen output positions a vpmaddwd, requantized in the register.</summary>
/// <remarks>With sixteen int32 sums in one register, <see cref="Requantize.Channel512"/> turns them into int8 at once
/// and they are stored as sixteen bytes: no accumulators written and read back, which on a 16x16 plane cost as much as
/// the sums. A step that runs past the end of a row writes the next row's first outputs, which that row then
/// overwrites; past the channel's last row it goes through <see cref="StoreTail"/> instead, so nothing outside the
/// channel's outputs is written.</remarks>
public static partial class Int8DepthwiseConv
{
    /// <summary>One channel: y[oh, ow] for every output position, from the row pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ChannelRowPairsAvx512(Int8ConvGeometry g, ReadOnlySpan<int> pairs, ReadOnlySpan<int> pairWeights,
        in Requantize.Channel512 requantize, Span<sbyte> y)
    {
        if (y.Length < g.OutPixels || pairs.Length < g.PlaneH * g.RowPairsW) throw new ArgumentException("depthwise int8 convolution: row pairs or output too short");
        int rw = g.RowPairsW, outW = g.OutW, kW = g.KernelW, pairRows = (g.KernelH + 1) / 2, sH = g.StrideH * rw, dW = g.DilationW, last = g.OutPixels;
        ref int p = ref MemoryMarshal.GetReference(pairs);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int top = oh * sH, row = oh * outW;
            for (int ow = 0; ow < outW; ow += 16)
            {
                var sum = Vector512<int>.Zero;
                for (int j = 0; j < pairRows; j++)
                {
                    nuint at = (nuint)(top + PairRow(g, j) * rw + ow);
                    for (int kw = 0; kw < kW; kw++)
                        sum += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, at + (nuint)(kw * dW)).AsInt16(), Vector512.Create(pairWeights[j * kW + kw]).AsInt16());
                }
                var bytes = requantize.Apply(sum);
                if (row + ow + 16 <= last) bytes.StoreUnsafe(ref ys, (nuint)(row + ow));
                else StoreTail(bytes, y[(row + ow)..last]);
            }
        }
    }

    /// <summary>The steps from output row <paramref name="fromRow"/>, column <paramref name="fromColumn"/> on, each
    /// stored whole if it fits the channel's outputs, else only as far as they go.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ChannelTailAvx512(Int8ConvGeometry g, ReadOnlySpan<int> pairs, ReadOnlySpan<int> pairWeights,
        in Requantize.Channel512 requantize, Span<sbyte> y, int fromRow, int fromColumn)
    {
        int rw = g.RowPairsW, outW = g.OutW, kW = g.KernelW, pairRows = (g.KernelH + 1) / 2, sH = g.StrideH * rw, dW = g.DilationW, last = g.OutPixels;
        ref int p = ref MemoryMarshal.GetReference(pairs);
        for (int oh = fromRow, ow = fromColumn; oh < g.OutH; oh++, ow = 0)
            for (; ow < outW; ow += 16)
            {
                var sum = Vector512<int>.Zero;
                for (int j = 0; j < pairRows; j++)
                {
                    nuint at = (nuint)(oh * sH + PairRow(g, j) * rw + ow);
                    for (int kw = 0; kw < kW; kw++)
                        sum += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, at + (nuint)(kw * dW)).AsInt16(), Vector512.Create(pairWeights[j * kW + kw]).AsInt16());
                }
                int at0 = oh * outW + ow;
                StoreTail(requantize.Apply(sum), y[at0..Math.Min(at0 + 16, last)]);
            }
    }

    /// <summary>A 3x3 channel with a scale below one (as a convolution's always is in practice): its whole steps
    /// (see the remarks on the class) with the six weight pairs (kernel rows 0 and 1 paired, row 2 with zero) and the
    /// requantization constants all in registers. Returns the output position it stopped at, the channel's size when it
    /// did every step; the caller finishes the rest through <see cref="ChannelTailAvx512"/>.</summary>
    /// <remarks>Everything a channel needs is made here from scalars, in one method without a call: a call in the loop's
    /// method makes the JIT keep the weights on the stack, storing and reloading them every step (512-bit stores the
    /// loads cannot always take forwarded), and constants in a struct are loaded again every step. Both were measured:
    /// the first made the kernel slower than before the row pairs, the second cost a fifth of the step.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static int Channel3x3Avx512(ref int p, ReadOnlySpan<sbyte> wc, int bias, FixedPointMultiplier scale, int zeroPoint, int min, int max,
        ref sbyte ys, int outH, int outW, int sH, int below, int dW)
    {
        if (wc.Length < 9 || scale.Shift < 0) throw new ArgumentException("Channel3x3Avx512: nine weights and a scale below one");
        var w0 = Vector512.Create(WeightPair(wc[0], wc[3])).AsInt16();
        var w1 = Vector512.Create(WeightPair(wc[1], wc[4])).AsInt16();
        var w2 = Vector512.Create(WeightPair(wc[2], wc[5])).AsInt16();
        var w3 = Vector512.Create(WeightPair(wc[6], 0)).AsInt16();
        var w4 = Vector512.Create(WeightPair(wc[7], 0)).AsInt16();
        var w5 = Vector512.Create(WeightPair(wc[8], 0)).AsInt16();
        var b = Vector512.Create(bias);
        var multiplier = Vector512.Create((long)scale.Multiplier);
        var half = Vector512.Create(1L << (30 + scale.Shift));
        var shift = Vector512.Create((long)(31 + scale.Shift));
        var (zp, lo, hi) = (Vector512.Create(zeroPoint), Vector512.Create(min - zeroPoint), Vector512.Create(max - zeroPoint));
        int last = outH * outW;
        nuint d = (nuint)dW, down = (nuint)below;
        for (int oh = 0; oh < outH; oh++)
        {
            int top = oh * sH, row = oh * outW;
            for (int ow = 0; ow < outW; ow += 16)
            {
                if (row + ow + 16 > last) return row + ow;
                nuint r0 = (nuint)(top + ow);
                var sums = Sum3x3(ref p, r0, r0 + down, d, w0, w1, w2, w3, w4, w5) + b;
                Requantize.SixteenBelowOne(sums, multiplier, half, shift, zp, lo, hi).StoreUnsafe(ref ys, (nuint)(row + ow));
            }
        }
        return last;
    }

    /// <summary>Two weights as <see cref="PairWeights"/> lays them out: the first in the low int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WeightPair(int low, int high) => (ushort)(short)low | (high << 16);

    /// <summary>Sixteen output positions of a 3x3 kernel: six vpmaddwd over the row pairs at <paramref name="r0"/> (kernel
    /// rows 0 and 1) and <paramref name="r1"/> (row 2 and a zero weight), kernel columns <paramref name="d"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Sum3x3(ref int p, nuint r0, nuint r1, nuint d, Vector512<short> w0, Vector512<short> w1, Vector512<short> w2,
        Vector512<short> w3, Vector512<short> w4, Vector512<short> w5)
    {
        var s0 = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, r0).AsInt16(), w0);
        var s1 = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, r0 + d).AsInt16(), w1);
        var s2 = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, r0 + 2 * d).AsInt16(), w2);
        var s3 = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, r1).AsInt16(), w3);
        var s4 = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, r1 + d).AsInt16(), w4);
        var s5 = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, r1 + 2 * d).AsInt16(), w5);
        return (s0 + s1) + (s2 + s3) + (s4 + s5);
    }

    /// <summary>The first <c>y.Length</c> (fewer than sixteen) of <paramref name="bytes"/>.</summary>
    private static void StoreTail(Vector128<sbyte> bytes, Span<sbyte> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = bytes.GetElement(i);
    }
}
