using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Sparse;

public static partial class SparseInt8Gemm
{
    /// <summary>Tiles whose int16 partial sums fit before they are widened: a vpmaddubsw lane is at most
    /// 2 · 15 · 128 = 3840 in magnitude, eight of them 30720 ≤ 32767.</summary>
    private const int NibbleTiles = 8;

    /// <summary>AVX-512BW, one block of eight rows, without widening a single weight. Why: on Zen 4 the sign extension
    /// of the weights (vpmovsxbw, one per 32 weights) is what the widening kernels wait on. Here x is split once per panel
    /// (<see cref="SplitNibbles"/>): u = x + 128 = 16 · hi + lo with hi, lo in [0, 15], so
    /// <c>Σ x·w = 16 · Σ hi·w + Σ lo·w − 128 · Σ w</c>. vpmaddubsw (u8 × s8, pairs summed to int16) multiplies the raw
    /// weight bytes by the small unsigned nibbles with no possible saturation (|pair| ≤ 3840), the int16 sums are widened
    /// every <see cref="NibbleTiles"/> tiles (vpmaddwd by 1), and <paramref name="rowSums"/> (Σ w per row, computed when the
    /// kernel is built) removes the 128 offset. Per tile: the two nibble vectors broadcast to the four 128-bit quarters, two
    /// 64-byte weight loads (four rows each), four vpmaddubsw: exact, the same integers as every other path.</summary>
    private static unsafe void BlockAvx512BW(ref byte lo, ref byte hi, ref sbyte g, ref sbyte w, ref int rowSums, ref int y, int kept)
    {
        const int W = NibbleTilesWidth;
        int full = kept / W * W;
        var ones = Vector512.Create((short)1);
        Vector512<int> l0 = default, l1 = default, h0 = default, h1 = default;
        for (int t0 = 0; t0 < full; t0 += NibbleTiles * W)
        {
            Vector512<short> sl0 = default, sl1 = default, sh0 = default, sh1 = default;
            int end = Math.Min(full, t0 + NibbleTiles * W);
            for (int t = t0; t < end; t += W)
            {
                var xl = Avx512F.BroadcastVector128ToVector512((int*)Unsafe.AsPointer(ref Unsafe.Add(ref lo, t))).AsByte();
                var xh = Avx512F.BroadcastVector128ToVector512((int*)Unsafe.AsPointer(ref Unsafe.Add(ref hi, t))).AsByte();
                ref sbyte tile = ref Unsafe.Add(ref w, t * NmTiles.Rows);
                var w0 = Vector512.LoadUnsafe(ref tile);
                var w1 = Vector512.LoadUnsafe(ref tile, 64);
                sl0 += Avx512BW.MultiplyAddAdjacent(xl, w0);
                sl1 += Avx512BW.MultiplyAddAdjacent(xl, w1);
                sh0 += Avx512BW.MultiplyAddAdjacent(xh, w0);
                sh1 += Avx512BW.MultiplyAddAdjacent(xh, w1);
            }
            l0 += Avx512BW.MultiplyAddAdjacent(sl0, ones);
            l1 += Avx512BW.MultiplyAddAdjacent(sl1, ones);
            h0 += Avx512BW.MultiplyAddAdjacent(sh0, ones);
            h1 += Avx512BW.MultiplyAddAdjacent(sh1, ones);
        }
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

    /// <summary>Kept columns per tile on the nibble path: <see cref="NmTiles.Width"/>, one 128-bit quarter per row.</summary>
    private const int NibbleTilesWidth = NmTiles.Width;

    /// <summary>The gathered inputs as u = x + 128 split into <paramref name="lo"/> = u &amp; 15 and
    /// <paramref name="hi"/> = u &gt;&gt; 4, 64 at a time; the last kept % 64 one at a time.</summary>
    private static void SplitNibbles(ref sbyte g, ref byte lo, ref byte hi, int kept)
    {
        int i = 0;
        var mask = Vector512.Create((byte)15);
        var bias = Vector512.Create((byte)0x80);
        for (; i <= kept - 64; i += 64)
        {
            var u = Vector512.LoadUnsafe(ref g, (nuint)i).AsByte() ^ bias;
            (u & mask).StoreUnsafe(ref lo, (nuint)i);
            (Avx512BW.ShiftRightLogical(u.AsUInt16(), 4).AsByte() & mask).StoreUnsafe(ref hi, (nuint)i);
        }
        for (; i < kept; i++)
        {
            int u = Unsafe.Add(ref g, i) + 128;
            Unsafe.Add(ref lo, i) = (byte)(u & 15);
            Unsafe.Add(ref hi, i) = (byte)(u >> 4);
        }
    }

    /// <summary>The gathered int8 inputs to int16, 16 at a time (vpmovsxbw) on AVX2.</summary>
    private static void Widen(ref sbyte g, ref short xw, int kept)
    {
        int i = 0;
        if (Avx2.IsSupported)
            for (; i <= kept - 16; i += 16) Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref g, (nuint)i)).StoreUnsafe(ref xw, (nuint)i);
        for (; i < kept; i++) Unsafe.Add(ref xw, i) = Unsafe.Add(ref g, i);
    }
}
