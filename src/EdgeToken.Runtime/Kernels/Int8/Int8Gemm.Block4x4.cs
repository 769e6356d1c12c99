using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemm
{
    /// <summary>Four rows of x against four rows of w on AVX-512BW: 16 accumulators, each 32-byte step widens eight
    /// operands for sixteen multiply-adds (against five for four in <see cref="Dot4Avx512BW"/>), and the four outputs
    /// of a row are reduced together. Writes y[r, c] for r, c in 0..3 at <paramref name="y"/> + r · <paramref name="ldy"/> + c.</summary>
    /// <remarks>Used where x has several rows: a convolution's weight rows against its patches. 16 + 4 + 1 live
    /// vectors fit the 32 zmm registers; a bigger block would spill.</remarks>
    private static void Block4x4Avx512BW(ref sbyte x, ref sbyte w, int k, ref int y, int ldy)
    {
        ref sbyte x1 = ref Unsafe.Add(ref x, k);
        ref sbyte x2 = ref Unsafe.Add(ref x, 2 * k);
        ref sbyte x3 = ref Unsafe.Add(ref x, 3 * k);
        ref sbyte w1 = ref Unsafe.Add(ref w, k);
        ref sbyte w2 = ref Unsafe.Add(ref w, 2 * k);
        ref sbyte w3 = ref Unsafe.Add(ref w, 3 * k);
        Vector512<int> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<int> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<int> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<int> a30 = default, a31 = default, a32 = default, a33 = default;
        int i = 0;
        for (; i <= k - 32; i += 32)
        {
            var v0 = Widen512(ref w, i);
            var v1 = Widen512(ref w1, i);
            var v2 = Widen512(ref w2, i);
            var v3 = Widen512(ref w3, i);
            var u = Widen512(ref x, i);
            a00 += Avx512BW.MultiplyAddAdjacent(u, v0); a01 += Avx512BW.MultiplyAddAdjacent(u, v1);
            a02 += Avx512BW.MultiplyAddAdjacent(u, v2); a03 += Avx512BW.MultiplyAddAdjacent(u, v3);
            u = Widen512(ref x1, i);
            a10 += Avx512BW.MultiplyAddAdjacent(u, v0); a11 += Avx512BW.MultiplyAddAdjacent(u, v1);
            a12 += Avx512BW.MultiplyAddAdjacent(u, v2); a13 += Avx512BW.MultiplyAddAdjacent(u, v3);
            u = Widen512(ref x2, i);
            a20 += Avx512BW.MultiplyAddAdjacent(u, v0); a21 += Avx512BW.MultiplyAddAdjacent(u, v1);
            a22 += Avx512BW.MultiplyAddAdjacent(u, v2); a23 += Avx512BW.MultiplyAddAdjacent(u, v3);
            u = Widen512(ref x3, i);
            a30 += Avx512BW.MultiplyAddAdjacent(u, v0); a31 += Avx512BW.MultiplyAddAdjacent(u, v1);
            a32 += Avx512BW.MultiplyAddAdjacent(u, v2); a33 += Avx512BW.MultiplyAddAdjacent(u, v3);
        }
        // Every accumulator reduced before the first call (the scalar tails): one live across a call is spilled where it
        // is defined, inside the loop, a store and a reload per accumulator and step (measured: 12 of each).
        var r0 = Reduce4(Fold(a00), Fold(a01), Fold(a02), Fold(a03));
        var r1 = Reduce4(Fold(a10), Fold(a11), Fold(a12), Fold(a13));
        var r2 = Reduce4(Fold(a20), Fold(a21), Fold(a22), Fold(a23));
        var r3 = Reduce4(Fold(a30), Fold(a31), Fold(a32), Fold(a33));
        StoreRow(r0, ref x, ref w, i, k, ref y);
        StoreRow(r1, ref x1, ref w, i, k, ref Unsafe.Add(ref y, ldy));
        StoreRow(r2, ref x2, ref w, i, k, ref Unsafe.Add(ref y, 2 * ldy));
        StoreRow(r3, ref x3, ref w, i, k, ref Unsafe.Add(ref y, 3 * ldy));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Widen512(ref sbyte p, int i) => Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref p, (nuint)i));

    /// <summary>One row's four sums, plus the scalar tail past <paramref name="from"/> when k is not a multiple of 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector128<int> sums, ref sbyte x, ref sbyte w, int from, int k, ref int y)
    {
        if (from < k)
            sums += Vector128.Create(DotScalar(ref x, ref w, from, k), DotScalar(ref x, ref Unsafe.Add(ref w, k), from, k),
                DotScalar(ref x, ref Unsafe.Add(ref w, 2 * k), from, k), DotScalar(ref x, ref Unsafe.Add(ref w, 3 * k), from, k));
        sums.StoreUnsafe(ref y);
    }
}
