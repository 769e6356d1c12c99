using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Sparse;

public static partial class SparseInt8Gemm
{
    /// <summary>AVX2, one block of eight rows: per tile the 16 widened inputs in one register, each row's 16 weight bytes
    /// sign-extended (vpmovsxbw) and multiplied-added (vpmaddwd) into its own accumulator; one reduction per block
    /// (six vphaddd and two 128-bit permutes for the eight rows).</summary>
    private static void BlockAvx2(ref short x, ref sbyte g, ref sbyte w, ref int y, int kept)
    {
        const int W = NmTiles.Width;
        int full = kept / W * W;
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int t = 0; t < full; t += W)
        {
            var xv = Vector256.LoadUnsafe(ref x, (nuint)t);
            ref sbyte tile = ref Unsafe.Add(ref w, t * NmTiles.Rows);
            a0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref tile)), xv);
            a1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref tile, 16)), xv);
            a2 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref tile, 32)), xv);
            a3 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref tile, 48)), xv);
            a4 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref tile, 64)), xv);
            a5 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref tile, 80)), xv);
            a6 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref tile, 96)), xv);
            a7 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref tile, 112)), xv);
        }
        // Each vphaddd level halves the lanes per row; per 128-bit half the rows come out in order.
        var s0123 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a0, a1), Avx2.HorizontalAdd(a2, a3)); // [r0 r1 r2 r3 | r0 r1 r2 r3]
        var s4567 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a4, a5), Avx2.HorizontalAdd(a6, a7));
        var sums = Avx2.Permute2x128(s0123, s4567, 0x20) + Avx2.Permute2x128(s0123, s4567, 0x31);
        sums.StoreUnsafe(ref y);
        Tail(ref g, ref w, ref y, kept, full);
    }
}
