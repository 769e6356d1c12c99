using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

// 8-bit weights on the u8 x s8 kernels: each weight split into a part whose channel pairs fit U8S8Pairs, which the quads
// carry, and a sparse remainder, which short per-channel loops add before the sums leave the registers.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>The remainders of a split (<see cref="Split"/>): per output channel, the (tap, quad) steps whose quad needed
    /// one, as plane offsets and four weight bytes, channel o's from <c>Starts[o]</c> to <c>Starts[o + 1]</c>.</summary>
    /// <remarks>Each remainder quad has at most one non-zero weight per channel pair, so it fits <see cref="U8S8Pairs"/>
    /// too and goes through the same vpmaddubsw; the -128 · Σw correction is of the whole weights, so it covers both parts.</remarks>
    internal sealed class QuadRemainders
    {
        /// <summary>[M rounded up to <see cref="MR"/> + 1].</summary>
        public required int[] Starts { get; init; }
        public required int[] Offsets { get; init; }
        public required int[] Quads { get; init; }
        public int Count => Quads.Length;

        /// <summary>No remainders: every pair fitted (7-bit weights always do).</summary>
        public static QuadRemainders None(int blocks) => new() { Starts = new int[blocks * MR + 1], Offsets = [], Quads = [] };
    }

    /// <summary>The weights to pack as quads and their remainders: a pair (a, b) with |a| + |b| over
    /// <see cref="U8S8Pairs.Bound"/> keeps its larger weight whole and the other cut to the bound (128 - |larger|, same
    /// sign); the cut-off part, at most 127 in size, is the remainder. a + b is unchanged, so the sums are exact.</summary>
    internal static (sbyte[] Fitted, QuadRemainders Remainders) Split(Int8ConvGeometry g, ReadOnlySpan<sbyte> w, int blocks, int[] tapOffsets, int planeInts)
    {
        int taps = g.KernelH * g.KernelW, c = g.Channels, m = g.OutChannels, quads = (c + 3) / 4;
        var fitted = w.ToArray();
        var starts = new int[blocks * MR + 1];
        var offsets = new List<int>();
        var remainders = new List<int>();
        for (int o = 0; o < m; o++)
        {
            for (int t = 0; t < taps; t++)
                for (int q = 0; q < quads; q++)
                {
                    int quad = 0;
                    for (int j = 0; j < 4 && 4 * q + j + 1 < c; j += 2)
                    {
                        int ia = (o * c + 4 * q + j) * taps + t, ib = ia + taps;
                        int a = w[ia], b = w[ib];
                        if (U8S8Pairs.Fits(a, b)) continue;
                        bool aLarger = Math.Abs(a) >= Math.Abs(b);
                        int small = aLarger ? b : a, cut = Math.Sign(small) * (U8S8Pairs.Bound - Math.Abs(aLarger ? a : b));
                        fitted[aLarger ? ib : ia] = (sbyte)cut;
                        quad |= (byte)(sbyte)(small - cut) << (8 * (j + (aLarger ? 1 : 0)));
                    }
                    if (quad == 0) continue;
                    offsets.Add(tapOffsets[t] + q * planeInts);
                    remainders.Add(quad);
                }
            starts[o + 1] = offsets.Count;
        }
        for (int o = m + 1; o < starts.Length; o++) starts[o] = offsets.Count;
        return (fitted, new QuadRemainders { Starts = starts, Offsets = [.. offsets], Quads = [.. remainders] });
    }

    /// <summary>Whether the split pays: the u8 kernel's three instructions per (channel, tap, quad) plus about four per
    /// remainder (its own load, vpmaddubsw, vpmaddwd, add) against the pair kernel's two per (channel, tap, pair).</summary>
    internal static bool SplitPays(Int8ConvGeometry g, int remainders)
    {
        long steps = (long)g.OutChannels * g.KernelH * g.KernelW;
        return 3 * steps * ((g.Channels + 3) / 4) + 4L * remainders < 2 * steps * ((g.Channels + 1) / 2);
    }

    /// <summary>The split the u8 kernels run, in the channel order with the fewer remainders (their own or
    /// <see cref="QuadOrder"/>'s), or null where quads or the split do not pay.</summary>
    private static (sbyte[] Fitted, QuadRemainders Remainders, int[]? Order)? ChooseSplit(Int8ConvGeometry g, ReadOnlySpan<sbyte> w, int blocks,
        int[] tapOffsets, int planeInts)
    {
        if (!QuadsPay(g.Channels)) return null;
        var (fitted, remainders) = Split(g, w, blocks, tapOffsets, planeInts);
        int[]? order = null;
        if (remainders.Count > 0 && QuadOrder(g, w) is { } reorder)
        {
            var (reorderedFitted, reorderedRemainders) = Split(g, Reordered(g, w, reorder), blocks, tapOffsets, planeInts);
            if (reorderedRemainders.Count < remainders.Count) (fitted, remainders, order) = (reorderedFitted, reorderedRemainders, reorder);
        }
        return remainders.Count > 0 && !SplitPays(g, remainders.Count) ? null : (fitted, remainders, order);
    }

    /// <summary>Whether a dense convolution with weights <paramref name="w"/> [M, C, taps] would run the u8 x s8 kernels
    /// on x86, and the share of their steps with a remainder: for build-time cost models that have the weights but not
    /// the input's size.</summary>
    public static bool RunsU8(ReadOnlySpan<sbyte> w, int outChannels, int channels, int taps, out double remainderShare)
    {
        remainderShare = 0;
        if (w.Length != outChannels * channels * taps) return false;
        var g = Int8ConvGeometry.Create(channels, 1, taps, outChannels, 1, taps, 1, (1, 1), (1, 1), (0, 0, 0, 0)); // the taps along W
        if (ChooseSplit(g, w, (outChannels + MR - 1) / MR, new int[taps], 0) is not var (_, remainders, _)) return false;
        remainderShare = (double)remainders.Count / ((long)outChannels * taps * ((channels + 3) / 4));
        return true;
    }

    /// <summary>Four vectors of channel k's sums plus its remainders <paramref name="from"/>..<paramref name="to"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<int>, Vector512<int>, Vector512<int>, Vector512<int>) AddRemainders512x4(ref int x, int from, int to, int[] offsets, int[] quads,
        Vector512<short> ones, Vector512<int> a0, Vector512<int> a1, Vector512<int> a2, Vector512<int> a3)
    {
        ref int os = ref MemoryMarshal.GetArrayDataReference(offsets);
        ref int qs = ref MemoryMarshal.GetArrayDataReference(quads);
        for (int e = from; e < to; e++)
        {
            ref int xq = ref Unsafe.Add(ref x, Unsafe.Add(ref os, e));
            var k = Vector512.Create(Unsafe.Add(ref qs, e)).AsSByte();
            a0 += Madd(Vector512.LoadUnsafe(ref xq).AsByte(), k, ones);
            a1 += Madd(Vector512.LoadUnsafe(ref xq, 16).AsByte(), k, ones);
            a2 += Madd(Vector512.LoadUnsafe(ref xq, 32).AsByte(), k, ones);
            a3 += Madd(Vector512.LoadUnsafe(ref xq, 48).AsByte(), k, ones);
        }
        return (a0, a1, a2, a3);
    }

    /// <summary>One vector of channel k's sums plus its remainders.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> AddRemainders512(ref int x, int from, int to, int[] offsets, int[] quads, Vector512<short> ones, Vector512<int> a)
    {
        for (int e = from; e < to; e++)
            a += Madd(Vector512.LoadUnsafe(ref Unsafe.Add(ref x, offsets[e])).AsByte(), Vector512.Create(quads[e]).AsSByte(), ones);
        return a;
    }

    /// <summary>Two 256-bit vectors of channel k's sums plus its remainders.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int>, Vector256<int>) AddRemainders256x2(ref int x, int from, int to, int[] offsets, int[] quads,
        Vector256<short> ones, Vector256<int> a0, Vector256<int> a1)
    {
        for (int e = from; e < to; e++)
        {
            ref int xq = ref Unsafe.Add(ref x, offsets[e]);
            var k = Vector256.Create(quads[e]).AsSByte();
            a0 += Madd(Vector256.LoadUnsafe(ref xq).AsByte(), k, ones);
            a1 += Madd(Vector256.LoadUnsafe(ref xq, 8).AsByte(), k, ones);
        }
        return (a0, a1);
    }

    /// <summary>One 256-bit vector of channel k's sums plus its remainders.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> AddRemainders256(ref int x, int from, int to, int[] offsets, int[] quads, Vector256<short> ones, Vector256<int> a)
    {
        for (int e = from; e < to; e++)
            a += Madd(Vector256.LoadUnsafe(ref Unsafe.Add(ref x, offsets[e])).AsByte(), Vector256.Create(quads[e]).AsSByte(), ones);
        return a;
    }
}
