using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Sparse;

public static partial class SparseInt8Gemm
{
    /// <summary>Tiles whose int16 partial sums fit before they are widened: a vpmaddubsw lane is at most
    /// 2 · 15 · 128 = 3840 in magnitude, eight of them 30720 ≤ 32767.</summary>
    private const int NibbleTiles = 8;

    /// <summary>AVX-512BW, one block of eight rows, without widening a single weight. Why: the widening kernels spend one
    /// vpmovsxbw per 32 weights besides the multiply-add. Here the kept inputs are split in registers: u = x + 128 =
    /// 16 · hi + lo with hi, lo in [0, 15], so <c>Σ x·w = 16 · Σ hi·w + Σ lo·w − 128 · Σ w</c>. vpmaddubsw (u8 × s8, pairs
    /// summed to int16) multiplies the raw weight bytes by the small unsigned nibbles with no possible saturation
    /// (|pair| ≤ 3840), the int16 sums are widened every <see cref="NibbleTiles"/> tiles (vpmaddwd by 1), and
    /// <paramref name="rowSums"/> (Σ w per row over whole tiles, computed when the kernel is built) removes the 128 offset.
    /// The first <paramref name="fused"/> blocks of 128 inputs are gathered here, one vpermi2b each straight from x into a
    /// register (no store, no reload: the gather was a sixth of the time at k = 1024); the rest come from the gathered
    /// scratch <paramref name="g"/>. Per tile: the two nibble vectors broadcast to the four 128-bit quarters, two 64-byte
    /// weight loads (four rows each), four vpmaddubsw. Exact: the same integers as every other path.</summary>
    private static unsafe void BlockAvx512BW(ref sbyte x, ref byte control, int fused, ref sbyte g, ref sbyte w, ref int rowSums, ref int y, int kept)
    {
        const int W = NibbleTilesWidth;
        int full = kept / W * W;
        var ones = Vector512.Create((short)1);
        var mask = Vector512.Create((byte)15);
        var bias = Vector512.Create((byte)0x80);
        Vector512<int> l0 = default, l1 = default, h0 = default, h1 = default;
        Vector512<short> sl0 = default, sl1 = default, sh0 = default, sh1 = default;
        int t = 0, pending = 0;
        // The first fused · 128 inputs straight from x: one vpermi2b gives the 64 kept inputs of four tiles.
        for (int b = 0; b < fused; b++, t += 4 * W)
        {
            var c = Vector512.LoadUnsafe(ref control, (nuint)(b * NmGather.Int8WideBlock)).AsSByte();
            var kept64 = Avx512Vbmi.PermuteVar64x8x2(Vector512.LoadUnsafe(ref x, (nuint)(b * NmGather.Int8WideBlock)), c,
                Vector512.LoadUnsafe(ref x, (nuint)(b * NmGather.Int8WideBlock + 64)));
            Four(kept64, ref Unsafe.Add(ref w, t * NmTiles.Rows), ref sl0, ref sl1, ref sh0, ref sh1);
            pending += 4;
            if (pending == NibbleTiles)
            {
                Flush(ones, ref sl0, ref sl1, ref sh0, ref sh1, ref l0, ref l1, ref h0, ref h1);
                pending = 0;
            }
        }
        // 64 gathered inputs (four tiles) a step: loaded as the gather stored them, split into nibbles in registers, each
        // tile's 16 broadcast to the four quarters with vshufi32x4.
        for (; t + 4 * W <= full; t += 4 * W)
        {
            Four(Vector512.LoadUnsafe(ref g, (nuint)t), ref Unsafe.Add(ref w, t * NmTiles.Rows), ref sl0, ref sl1, ref sh0, ref sh1);
            pending += 4;
            if (pending == NibbleTiles)
            {
                Flush(ones, ref sl0, ref sl1, ref sh0, ref sh1, ref l0, ref l1, ref h0, ref h1);
                pending = 0;
            }
        }
        for (; t < full; t += W)
        {
            var u = Avx512F.BroadcastVector128ToVector512((int*)Unsafe.AsPointer(ref Unsafe.Add(ref g, t))).AsByte() ^ bias;
            Tile(u & mask, Avx512BW.ShiftRightLogical(u.AsUInt16(), 4).AsByte() & mask, ref Unsafe.Add(ref w, t * NmTiles.Rows), ref sl0, ref sl1, ref sh0, ref sh1);
            if (++pending == NibbleTiles)
            {
                Flush(ones, ref sl0, ref sl1, ref sh0, ref sh1, ref l0, ref l1, ref h0, ref h1);
                pending = 0;
            }
        }
        Flush(ones, ref sl0, ref sl1, ref sh0, ref sh1, ref l0, ref l1, ref h0, ref h1);
        // Quarter q of r0 holds row q's four partial sums, of r1 row q + 4's.
        var r0 = Avx512F.ShiftLeftLogical(h0, 4) + l0;
        var r1 = Avx512F.ShiftLeftLogical(h1, 4) + l1;
        var s = Avx512F.UnpackLow(r0, r1) + Avx512F.UnpackHigh(r0, r1); // quarter q: [row q, row q + 4, row q, row q + 4], half-summed
        s += Avx512F.Shuffle(s, 0b01_00_11_10); // lanes 0, 1 of quarter q: rows q and q + 4
        var order = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
        var sums = Avx512F.PermuteVar16x32(s, order).GetLower() - Vector256.ShiftLeft(Vector256.LoadUnsafe(ref rowSums), 7);
        sums.StoreUnsafe(ref y);
        Tail(ref g, ref w, ref y, kept, full);
    }

    /// <summary>Four tiles from 64 kept inputs in a register: split into nibbles, each tile's 16 broadcast to the four
    /// quarters (vshufi32x4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Four(Vector512<sbyte> kept64, ref sbyte tile, ref Vector512<short> sl0, ref Vector512<short> sl1,
        ref Vector512<short> sh0, ref Vector512<short> sh1)
    {
        var u = kept64.AsByte() ^ Vector512.Create((byte)0x80);
        var lo = (u & Vector512.Create((byte)15)).AsInt32();
        var hi = (Avx512BW.ShiftRightLogical(u.AsUInt16(), 4).AsByte() & Vector512.Create((byte)15)).AsInt32();
        Tile(Avx512F.Shuffle4x128(lo, lo, 0x00).AsByte(), Avx512F.Shuffle4x128(hi, hi, 0x00).AsByte(), ref tile, ref sl0, ref sl1, ref sh0, ref sh1);
        Tile(Avx512F.Shuffle4x128(lo, lo, 0x55).AsByte(), Avx512F.Shuffle4x128(hi, hi, 0x55).AsByte(), ref Unsafe.Add(ref tile, 128), ref sl0, ref sl1, ref sh0, ref sh1);
        Tile(Avx512F.Shuffle4x128(lo, lo, 0xAA).AsByte(), Avx512F.Shuffle4x128(hi, hi, 0xAA).AsByte(), ref Unsafe.Add(ref tile, 256), ref sl0, ref sl1, ref sh0, ref sh1);
        Tile(Avx512F.Shuffle4x128(lo, lo, 0xFF).AsByte(), Avx512F.Shuffle4x128(hi, hi, 0xFF).AsByte(), ref Unsafe.Add(ref tile, 384), ref sl0, ref sl1, ref sh0, ref sh1);
    }

    /// <summary>One tile of eight rows: two 64-byte weight loads (four rows each) times the broadcast nibbles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(Vector512<byte> xl, Vector512<byte> xh, ref sbyte tile, ref Vector512<short> sl0, ref Vector512<short> sl1,
        ref Vector512<short> sh0, ref Vector512<short> sh1)
    {
        var w0 = Vector512.LoadUnsafe(ref tile);
        var w1 = Vector512.LoadUnsafe(ref tile, 64);
        sl0 += Avx512BW.MultiplyAddAdjacent(xl, w0);
        sl1 += Avx512BW.MultiplyAddAdjacent(xl, w1);
        sh0 += Avx512BW.MultiplyAddAdjacent(xh, w0);
        sh1 += Avx512BW.MultiplyAddAdjacent(xh, w1);
    }

    /// <summary>The int16 partial sums widened (vpmaddwd by 1) into the int32 ones, and cleared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Flush(Vector512<short> ones, ref Vector512<short> sl0, ref Vector512<short> sl1, ref Vector512<short> sh0, ref Vector512<short> sh1,
        ref Vector512<int> l0, ref Vector512<int> l1, ref Vector512<int> h0, ref Vector512<int> h1)
    {
        l0 += Avx512BW.MultiplyAddAdjacent(sl0, ones);
        l1 += Avx512BW.MultiplyAddAdjacent(sl1, ones);
        h0 += Avx512BW.MultiplyAddAdjacent(sh0, ones);
        h1 += Avx512BW.MultiplyAddAdjacent(sh1, ones);
        sl0 = sl1 = sh0 = sh1 = default;
    }

    /// <summary>Kept columns per tile on the nibble path: <see cref="NmTiles.Width"/>, one 128-bit quarter per row.</summary>
    private const int NibbleTilesWidth = NmTiles.Width;

    /// <summary>The gathered int8 inputs to int16, 16 at a time (vpmovsxbw) on AVX2.</summary>
    private static void Widen(ref sbyte g, ref short xw, int kept)
    {
        int i = 0;
        if (Avx2.IsSupported)
            for (; i <= kept - 16; i += 16) Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref g, (nuint)i)).StoreUnsafe(ref xw, (nuint)i);
        for (; i < kept; i++) Unsafe.Add(ref xw, i) = Unsafe.Add(ref g, i);
    }
}
