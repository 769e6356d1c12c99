using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public sealed partial class Int8ChannelLanesConv
{
    /// <summary>The AVX2 form over the same packed weights: a block of 16 channels is two 256-bit halves (its 32 bytes per
    /// pair of positions are channels 0-7 then 8-15, one vpmovsxbw each), and a tile is one block by four pixels, eight
    /// accumulators. With a narrow requantization the sums become bytes in the lanes (<see cref="ChannelLaneRequantization.Apply256"/>);
    /// the full 64-bit form has no AVX2 lanes here, so those layers store sums for the plane requantization.</summary>
    [SkipLocalsInit]
    private void SumsAvx2(ReadOnlySpan<short> x, Span<int> acc, Span<sbyte> y, ChannelLaneRequantization? requantization)
    {
        int pairs = Pairs(_g), pixels = _g.OutPixels, blocks = Blocks(_g);
        ref sbyte w = ref MemoryMarshal.GetReference(_weights);
        ref int xs = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(x));
        var o = new Output(acc, y, requantization, stackalloc int[2 * Lanes]);
        for (int b = 0; b < blocks; b++)
        {
            ref sbyte wb = ref Unsafe.Add(ref w, b * pairs * 2 * Lanes);
            int p = 0;
            for (; p + 4 <= pixels; p += 4) Tile256<Four>(ref wb, ref Unsafe.Add(ref xs, p * pairs), pairs, b, p, ref o);
            for (; p < pixels; p++) Tile256<One>(ref wb, ref Unsafe.Add(ref xs, p * pairs), pairs, b, p, ref o);
        }
    }

    /// <summary>One block by TP pixels (1 or 4) from <paramref name="p"/>: per pair of positions two widened weight halves
    /// and one broadcast per pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Tile256<TP>(ref sbyte w, ref int x, int pairs, int block, int p, scoped ref Output o) where TP : struct, ICount
    {
        ref int r0 = ref x;
        ref int r1 = ref Unsafe.Add(ref x, TP.Value > 1 ? pairs : 0);
        ref int r2 = ref Unsafe.Add(ref x, TP.Value > 1 ? 2 * pairs : 0);
        ref int r3 = ref Unsafe.Add(ref x, TP.Value > 1 ? 3 * pairs : 0);
        Vector256<int> l0 = default, l1 = default, l2 = default, l3 = default, h0 = default, h1 = default, h2 = default, h3 = default;
        nuint wo = 0;
        for (nuint q = 0; q < (nuint)pairs; q++, wo += 2 * Lanes)
        {
            var lo = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, wo));
            var hi = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, wo + Lanes));
            var x0 = Vector256.Create(Unsafe.Add(ref r0, q)).AsInt16();
            l0 += Avx2.MultiplyAddAdjacent(lo, x0);
            h0 += Avx2.MultiplyAddAdjacent(hi, x0);
            if (TP.Value > 1)
            {
                var x1 = Vector256.Create(Unsafe.Add(ref r1, q)).AsInt16();
                l1 += Avx2.MultiplyAddAdjacent(lo, x1);
                h1 += Avx2.MultiplyAddAdjacent(hi, x1);
                var x2 = Vector256.Create(Unsafe.Add(ref r2, q)).AsInt16();
                l2 += Avx2.MultiplyAddAdjacent(lo, x2);
                h2 += Avx2.MultiplyAddAdjacent(hi, x2);
                var x3 = Vector256.Create(Unsafe.Add(ref r3, q)).AsInt16();
                l3 += Avx2.MultiplyAddAdjacent(lo, x3);
                h3 += Avx2.MultiplyAddAdjacent(hi, x3);
            }
        }
        // Parked before any call, as the 512-bit tile does (an accumulator live across a call is spilled inside the loop).
        ref var t = ref o.Tile;
        t[0] = Vector512.Create(l0, h0);
        if (TP.Value > 1) { t[1] = Vector512.Create(l1, h1); t[2] = Vector512.Create(l2, h2); t[3] = Vector512.Create(l3, h3); }
        Finish256<TP>(block, p, ref o);
    }

    /// <summary>A 256-bit tile's sums (each pixel's 16 channels in one slot of <see cref="Output.Tile"/>) to bytes or to the plane.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Finish256<TP>(int block, int p, scoped ref Output o) where TP : struct, ICount
    {
        ref var t = ref o.Tile;
        for (int i = 0; i < TP.Value; i++)
        {
            var sums = t[i];
            if (o.Requantization is { } rq)
            {
                var bytes = Sse2.UnpackLow(rq.Apply256(sums.GetLower(), block, 0).AsInt64(), rq.Apply256(sums.GetUpper(), block, 1).AsInt64()).AsSByte();
                StoreBytes(bytes, block, p + i, o.Y);
                continue;
            }
            sums.StoreUnsafe(ref MemoryMarshal.GetReference(o.Lanes));
            StoreLanes(o.Lanes.Slice(0, Lanes), block, p + i, o.Acc);
        }
    }
}
