using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>AVX-512BW, u8 x s8: four blocks (32 outputs) at a time, then one. Per two groups of four k (64 weight
    /// bytes of a block, 8 outputs x 8 k): x's eight bytes + 128, the first four repeated over the low 256 bits and the
    /// next four over the high ones; vpmaddubsw adds each output's products in pairs into int16, vpmaddwd with ones adds
    /// those pairs into int32 (lane o: output o, first group; lane 8 + o: second group). One add of the halves per block
    /// at the end, minus 128 · Σw.</summary>
    /// <remarks>Exact only when the caller checked <see cref="U8S8Pairs.Fit"/>: a pair of products is then at most
    /// 255 · 128, so vpmaddubsw never saturates. An odd last group runs with the high half of the weight zero.</remarks>
    private static void PackedU8Avx512BW(ref sbyte x, ref sbyte w, ref int rowSums, ref int y, int k, int n)
    {
        int quads = k / PackDepth, blocks = n / PackRows, even = quads & ~1;
        var halves = Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
        var flip = Vector512.Create((byte)0x80);
        var ones = Vector512.Create((short)1);
        int b = 0;
        for (; b + 4 <= blocks; b += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
            ref sbyte w1 = ref Unsafe.Add(ref w0, quads * 32);
            ref sbyte w2 = ref Unsafe.Add(ref w1, quads * 32);
            ref sbyte w3 = ref Unsafe.Add(ref w2, quads * 32);
            var a0 = Vector512<int>.Zero;
            var a1 = Vector512<int>.Zero;
            var a2 = Vector512<int>.Zero;
            var a3 = Vector512<int>.Zero;
            for (int q = 0; q < even; q += 2)
            {
                var xv = XPair(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, q * PackDepth))), halves, flip);
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector512.LoadUnsafe(ref w0, (nuint)(q * 32))), ones);
                a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector512.LoadUnsafe(ref w1, (nuint)(q * 32))), ones);
                a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector512.LoadUnsafe(ref w2, (nuint)(q * 32))), ones);
                a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector512.LoadUnsafe(ref w3, (nuint)(q * 32))), ones);
            }
            if (even < quads)
            {
                var xv = XLast(ref x, even, flip);
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w0, (nuint)(even * 32)).ToVector512()), ones);
                a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w1, (nuint)(even * 32)).ToVector512()), ones);
                a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w2, (nuint)(even * 32)).ToVector512()), ones);
                a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w3, (nuint)(even * 32)).ToVector512()), ones);
            }
            StoreBlock(a0, ref rowSums, ref y, b);
            StoreBlock(a1, ref rowSums, ref y, b + 1);
            StoreBlock(a2, ref rowSums, ref y, b + 2);
            StoreBlock(a3, ref rowSums, ref y, b + 3);
        }
        for (; b < blocks; b++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
            var a0 = Vector512<int>.Zero;
            for (int q = 0; q < even; q += 2)
            {
                var xv = XPair(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, q * PackDepth))), halves, flip);
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xv, Vector512.LoadUnsafe(ref w0, (nuint)(q * 32))), ones);
            }
            if (even < quads)
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(XLast(ref x, even, flip),
                    Vector256.LoadUnsafe(ref w0, (nuint)(even * 32)).ToVector512()), ones);
            StoreBlock(a0, ref rowSums, ref y, b);
        }
    }

    /// <summary>Eight x bytes + 128: bytes 0-3 repeated over the low 256 bits, 4-7 over the high ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> XPair(long eight, Vector512<int> halves, Vector512<byte> flip) =>
        Avx512F.PermuteVar16x32(Vector512.Create(eight).AsInt32(), halves).AsByte() ^ flip;

    /// <summary>The last group's four x bytes + 128 in every lane (the high half meets zero weights).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> XLast(ref sbyte x, int quad, Vector512<byte> flip) =>
        Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, quad * PackDepth)))).AsByte() ^ flip;

    /// <summary>Block b's 8 sums (the two groups' halves added) minus 128 · Σw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlock(Vector512<int> a, ref int rowSums, ref int y, int b) =>
        (a.GetLower() + a.GetUpper() - Vector256.ShiftLeft(Vector256.LoadUnsafe(ref rowSums, (nuint)(b * PackRows)), 7))
            .StoreUnsafe(ref y, (nuint)(b * PackRows));
}
