using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public sealed partial class Int8ChannelLanesConv
{
    /// <summary>A count fixed per instantiation, so the JIT drops the unused accumulators and branches of a tile.</summary>
    private interface ICount { static abstract int Value { get; } }
    private readonly struct One : ICount { public static int Value => 1; }
    private readonly struct Two : ICount { public static int Value => 2; }
    private readonly struct Four : ICount { public static int Value => 4; }
    private readonly struct Eight : ICount { public static int Value => 8; }

    /// <summary>Tiles of two blocks by eight pixels, then four and one for the pixels left; a last odd block alone. With
    /// <paramref name="requantization"/>, bytes into <paramref name="y"/>, else sums into <paramref name="acc"/>.</summary>
    [SkipLocalsInit]
    private void SumsAvx512BW(ReadOnlySpan<short> x, Span<int> acc, Span<sbyte> y, ChannelLaneRequantization? requantization)
    {
        var o = new Output(acc, y, requantization, stackalloc int[2 * Lanes]);
        o.Tile = default;
        int pairs = Pairs(_g), pixels = _g.OutPixels, blocks = Blocks(_g);
        ref sbyte w = ref MemoryMarshal.GetReference(_weights);
        ref int xs = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(x));
        for (int b = 0; b < blocks; b += 2)
        {
            ref sbyte wb = ref Unsafe.Add(ref w, b * pairs * 2 * Lanes);
            bool two = b + 2 <= blocks;
            int p = 0;
            for (; p + 8 <= pixels; p += 8)
            {
                if (two) Tile<Two, Eight>(ref wb, ref Unsafe.Add(ref xs, p * pairs), pairs, b, p, ref o);
                else Tile<One, Eight>(ref wb, ref Unsafe.Add(ref xs, p * pairs), pairs, b, p, ref o);
            }
            for (; p + 4 <= pixels; p += 4)
            {
                if (two) Tile<Two, Four>(ref wb, ref Unsafe.Add(ref xs, p * pairs), pairs, b, p, ref o);
                else Tile<One, Four>(ref wb, ref Unsafe.Add(ref xs, p * pairs), pairs, b, p, ref o);
            }
            for (; p < pixels; p++)
            {
                if (two) Tile<Two, One>(ref wb, ref Unsafe.Add(ref xs, p * pairs), pairs, b, p, ref o);
                else Tile<One, One>(ref wb, ref Unsafe.Add(ref xs, p * pairs), pairs, b, p, ref o);
            }
        }
    }

    /// <summary>TB blocks (16 channels each) by TP pixels from <paramref name="p"/>: per pair of patch positions, each
    /// block's 32 weight bytes widened once and each pixel's input pair broadcast once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Tile<TB, TP>(ref sbyte w0, ref int x, int pairs, int block, int p, scoped ref Output o)
        where TB : struct, ICount where TP : struct, ICount
    {
        ref sbyte w1 = ref Unsafe.Add(ref w0, pairs * 2 * Lanes);
        // One base per pixel row and one running index: [base + 4·q] addressing, no index arithmetic per broadcast.
        ref int r0 = ref x;
        ref int r1 = ref Unsafe.Add(ref x, TP.Value > 1 ? pairs : 0);
        ref int r2 = ref Unsafe.Add(ref x, TP.Value > 1 ? 2 * pairs : 0);
        ref int r3 = ref Unsafe.Add(ref x, TP.Value > 1 ? 3 * pairs : 0);
        ref int r4 = ref Unsafe.Add(ref x, TP.Value > 4 ? 4 * pairs : 0);
        ref int r5 = ref Unsafe.Add(ref x, TP.Value > 4 ? 5 * pairs : 0);
        ref int r6 = ref Unsafe.Add(ref x, TP.Value > 4 ? 6 * pairs : 0);
        ref int r7 = ref Unsafe.Add(ref x, TP.Value > 4 ? 7 * pairs : 0);
        Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<int> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        nuint wo = 0;
        for (nuint q = 0; q < (nuint)pairs; q++, wo += 2 * Lanes)
        {
            var wa = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w0, wo));
            var wb = TB.Value > 1 ? Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w1, wo)) : default;
            var x0 = Vector512.Create(Unsafe.Add(ref r0, q)).AsInt16();
            a0 += Avx512BW.MultiplyAddAdjacent(wa, x0);
            if (TB.Value > 1) b0 += Avx512BW.MultiplyAddAdjacent(wb, x0);
            if (TP.Value > 1)
            {
                var x1 = Vector512.Create(Unsafe.Add(ref r1, q)).AsInt16();
                a1 += Avx512BW.MultiplyAddAdjacent(wa, x1);
                if (TB.Value > 1) b1 += Avx512BW.MultiplyAddAdjacent(wb, x1);
                var x2 = Vector512.Create(Unsafe.Add(ref r2, q)).AsInt16();
                a2 += Avx512BW.MultiplyAddAdjacent(wa, x2);
                if (TB.Value > 1) b2 += Avx512BW.MultiplyAddAdjacent(wb, x2);
                var x3 = Vector512.Create(Unsafe.Add(ref r3, q)).AsInt16();
                a3 += Avx512BW.MultiplyAddAdjacent(wa, x3);
                if (TB.Value > 1) b3 += Avx512BW.MultiplyAddAdjacent(wb, x3);
            }
            if (TP.Value > 4)
            {
                var x4 = Vector512.Create(Unsafe.Add(ref r4, q)).AsInt16();
                a4 += Avx512BW.MultiplyAddAdjacent(wa, x4);
                if (TB.Value > 1) b4 += Avx512BW.MultiplyAddAdjacent(wb, x4);
                var x5 = Vector512.Create(Unsafe.Add(ref r5, q)).AsInt16();
                a5 += Avx512BW.MultiplyAddAdjacent(wa, x5);
                if (TB.Value > 1) b5 += Avx512BW.MultiplyAddAdjacent(wb, x5);
                var x6 = Vector512.Create(Unsafe.Add(ref r6, q)).AsInt16();
                a6 += Avx512BW.MultiplyAddAdjacent(wa, x6);
                if (TB.Value > 1) b6 += Avx512BW.MultiplyAddAdjacent(wb, x6);
                var x7 = Vector512.Create(Unsafe.Add(ref r7, q)).AsInt16();
                a7 += Avx512BW.MultiplyAddAdjacent(wa, x7);
                if (TB.Value > 1) b7 += Avx512BW.MultiplyAddAdjacent(wb, x7);
            }
        }
        // Parked in memory before any call: an accumulator live across a call gets spilled at its definition, inside
        // the loop, and that store can stall the loop's loads (4K aliasing) depending on where the buffers fall.
        ref var t = ref o.Tile;
        t[0] = a0; t[8] = b0;
        if (TP.Value > 1) { t[1] = a1; t[2] = a2; t[3] = a3; t[9] = b1; t[10] = b2; t[11] = b3; }
        if (TP.Value > 4) { t[4] = a4; t[5] = a5; t[6] = a6; t[7] = a7; t[12] = b4; t[13] = b5; t[14] = b6; t[15] = b7; }
        Finish<TB, TP>(block, p, ref o);
    }

    /// <summary>A tile's sums (in <see cref="Output.Tile"/>: block one's pixels in 0..7, block two's in 8..15) to bytes or
    /// to the plane.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Finish<TB, TP>(int block, int p, scoped ref Output o) where TB : struct, ICount where TP : struct, ICount
    {
        ref var t = ref o.Tile;
        if (o.Requantization is { } rq && TP.Value == 8)
        {
            for (int k = 0; k < TB.Value; k++)
                StoreEight(rq.Apply(t[8 * k], block + k), rq.Apply(t[8 * k + 1], block + k), rq.Apply(t[8 * k + 2], block + k), rq.Apply(t[8 * k + 3], block + k),
                    rq.Apply(t[8 * k + 4], block + k), rq.Apply(t[8 * k + 5], block + k), rq.Apply(t[8 * k + 6], block + k), rq.Apply(t[8 * k + 7], block + k),
                    block + k, p, o.Y);
            return;
        }
        for (int i = 0; i < TP.Value; i++) Store<TB>(t[i], t[8 + i], block, p + i, ref o);
    }

    /// <summary>Sixteen registers of sums: a tile's, parked.</summary>
    [InlineArray(16)]
    private struct TileSums
    {
        private Vector512<int> _first;
    }

    /// <summary>Where a tile's results go: the sums plane, or with a requantization the output bytes.</summary>
    private ref struct Output(Span<int> acc, Span<sbyte> y, ChannelLaneRequantization? requantization, Span<int> lanes)
    {
        /// <summary>Two blocks' sums on their way to the plane.</summary>
        public Span<int> Lanes = lanes;
        public TileSums Tile;
        public Span<int> Acc = acc;
        public Span<sbyte> Y = y;
        public ChannelLaneRequantization? Requantization = requantization;
    }

    /// <summary>Eight pixels' bytes of one block (v0..v7: 16 channels each) transposed with three rounds of unpacks into
    /// sixteen runs of eight pixels, one 8-byte store per channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StoreEight(Vector128<sbyte> v0, Vector128<sbyte> v1, Vector128<sbyte> v2, Vector128<sbyte> v3,
        Vector128<sbyte> v4, Vector128<sbyte> v5, Vector128<sbyte> v6, Vector128<sbyte> v7, int block, int p, Span<sbyte> y)
    {
        // bytes: (channel, pixel pair); words: (channel, pixel quad); dwords: (channel, eight pixels)
        var t0 = Sse2.UnpackLow(v0, v1).AsUInt16(); var t1 = Sse2.UnpackHigh(v0, v1).AsUInt16();
        var t2 = Sse2.UnpackLow(v2, v3).AsUInt16(); var t3 = Sse2.UnpackHigh(v2, v3).AsUInt16();
        var t4 = Sse2.UnpackLow(v4, v5).AsUInt16(); var t5 = Sse2.UnpackHigh(v4, v5).AsUInt16();
        var t6 = Sse2.UnpackLow(v6, v7).AsUInt16(); var t7 = Sse2.UnpackHigh(v6, v7).AsUInt16();
        var u0 = Sse2.UnpackLow(t0, t2).AsUInt32(); var u1 = Sse2.UnpackHigh(t0, t2).AsUInt32();
        var u2 = Sse2.UnpackLow(t1, t3).AsUInt32(); var u3 = Sse2.UnpackHigh(t1, t3).AsUInt32();
        var u4 = Sse2.UnpackLow(t4, t6).AsUInt32(); var u5 = Sse2.UnpackHigh(t4, t6).AsUInt32();
        var u6 = Sse2.UnpackLow(t5, t7).AsUInt32(); var u7 = Sse2.UnpackHigh(t5, t7).AsUInt32();
        int pixels = _g.OutPixels, first = block * Lanes, count = Math.Min(Lanes, _g.OutChannels - first);
        ref byte row = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(y), first * pixels + p));
        // Channels 2i and 2i + 1's eight bytes in runs i; the last block's padding channels have no output rows.
        Span<Vector128<ulong>> runs = [Sse2.UnpackLow(u0, u4).AsUInt64(), Sse2.UnpackHigh(u0, u4).AsUInt64(), Sse2.UnpackLow(u1, u5).AsUInt64(),
            Sse2.UnpackHigh(u1, u5).AsUInt64(), Sse2.UnpackLow(u2, u6).AsUInt64(), Sse2.UnpackHigh(u2, u6).AsUInt64(),
            Sse2.UnpackLow(u3, u7).AsUInt64(), Sse2.UnpackHigh(u3, u7).AsUInt64()];
        for (int c = 0; c < count; c++) Unsafe.WriteUnaligned(ref Unsafe.Add(ref row, c * pixels), runs[c / 2].GetElement(c % 2));
    }

    /// <summary>One pixel's results of TB blocks: bytes (requantized), or sums into the [channel, pixel] plane through
    /// <see cref="Output.Lanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store<TB>(Vector512<int> a, Vector512<int> b, int block, int p, scoped ref Output o) where TB : struct, ICount
    {
        if (o.Requantization is { } rq)
        {
            StoreBytes(rq.Apply(a, block), block, p, o.Y);
            if (TB.Value > 1) StoreBytes(rq.Apply(b, block + 1), block + 1, p, o.Y);
            return;
        }
        a.StoreUnsafe(ref MemoryMarshal.GetReference(o.Lanes));
        StoreLanes(o.Lanes.Slice(0, Lanes), block, p, o.Acc);
        if (TB.Value > 1)
        {
            b.StoreUnsafe(ref MemoryMarshal.GetReference(o.Lanes), Lanes);
            StoreLanes(o.Lanes.Slice(Lanes, Lanes), block + 1, p, o.Acc);
        }
    }

    /// <summary>One pixel's 16 bytes of one block, one per channel row.</summary>
    private void StoreBytes(Vector128<sbyte> v, int block, int p, Span<sbyte> y)
    {
        int pixels = _g.OutPixels, first = block * Lanes, count = Math.Min(Lanes, _g.OutChannels - first);
        for (int c = 0; c < count; c++) y[(first + c) * pixels + p] = v.GetElement(c);
    }
}
