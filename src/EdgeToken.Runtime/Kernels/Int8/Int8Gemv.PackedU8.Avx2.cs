using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>AVX2, u8 x s8: two blocks (16 outputs) at a time, then one. A group of four k is 32 weight bytes, 8
    /// outputs x 4 k, so vpmaddubsw with the four x bytes + 128 broadcast, then vpmaddwd with ones, leaves output o's
    /// four products in lane o: no reduction at the end, only minus 128 · Σw.</summary>
    /// <remarks>Exact only when the caller checked <see cref="U8S8Pairs.Fit"/>. Three instructions per 32 multiply-adds
    /// against the signed kernel's six.</remarks>
    private static void PackedU8Avx2(ref sbyte x, ref sbyte w, ref int rowSums, ref int y, int k, int n)
    {
        int quads = k / PackDepth, blocks = n / PackRows;
        var flip = Vector256.Create((byte)0x80);
        var ones = Vector256.Create((short)1);
        int b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
            ref sbyte w1 = ref Unsafe.Add(ref w0, quads * 32);
            var a0 = Vector256<int>.Zero;
            var a1 = Vector256<int>.Zero;
            for (int q = 0; q < quads; q++)
            {
                var xv = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, q * PackDepth)))).AsByte() ^ flip;
                a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w0, (nuint)(q * 32))), ones);
                a1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w1, (nuint)(q * 32))), ones);
            }
            (a0 - Vector256.ShiftLeft(Vector256.LoadUnsafe(ref rowSums, (nuint)(b * PackRows)), 7)).StoreUnsafe(ref y, (nuint)(b * PackRows));
            (a1 - Vector256.ShiftLeft(Vector256.LoadUnsafe(ref rowSums, (nuint)(b * PackRows + 8)), 7)).StoreUnsafe(ref y, (nuint)(b * PackRows + 8));
        }
        if (b < blocks)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
            var a0 = Vector256<int>.Zero;
            for (int q = 0; q < quads; q++)
            {
                var xv = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, q * PackDepth)))).AsByte() ^ flip;
                a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xv, Vector256.LoadUnsafe(ref w0, (nuint)(q * 32))), ones);
            }
            (a0 - Vector256.ShiftLeft(Vector256.LoadUnsafe(ref rowSums, (nuint)(b * PackRows)), 7)).StoreUnsafe(ref y, (nuint)(b * PackRows));
        }
    }
}
