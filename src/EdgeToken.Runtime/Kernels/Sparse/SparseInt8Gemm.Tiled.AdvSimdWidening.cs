using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Sparse;

public static partial class SparseInt8Gemm
{
    /// <summary>The Vector128 path on an ARM64 without the dot product (ARMv8.0), one block of eight rows: per tile the 16
    /// gathered inputs in one register and, per row, smull/smull2 of its 16 weight bytes into int16 lanes (one product a
    /// lane, exact) and two sadalp into its int32 accumulator; the eight rows reduced once per block, as
    /// <see cref="BlockAdvSimd"/> does. Four instructions per row and tile where the portable loop spends sixteen.</summary>
    private static void BlockAdvSimdWidening(ref sbyte x, ref sbyte w, ref int y, int kept)
    {
        const int W = NmTiles.Width;
        int full = kept / W * W;
        Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int t = 0; t < full; t += W)
        {
            var xv = Vector128.LoadUnsafe(ref x, (nuint)t);
            ref sbyte tile = ref Unsafe.Add(ref w, t * NmTiles.Rows);
            a0 = Products(a0, Vector128.LoadUnsafe(ref tile), xv);
            a1 = Products(a1, Vector128.LoadUnsafe(ref tile, 16), xv);
            a2 = Products(a2, Vector128.LoadUnsafe(ref tile, 32), xv);
            a3 = Products(a3, Vector128.LoadUnsafe(ref tile, 48), xv);
            a4 = Products(a4, Vector128.LoadUnsafe(ref tile, 64), xv);
            a5 = Products(a5, Vector128.LoadUnsafe(ref tile, 80), xv);
            a6 = Products(a6, Vector128.LoadUnsafe(ref tile, 96), xv);
            a7 = Products(a7, Vector128.LoadUnsafe(ref tile, 112), xv);
        }
        var s0123 = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3));
        var s4567 = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a4, a5), AdvSimd.Arm64.AddPairwise(a6, a7));
        s0123.StoreUnsafe(ref y);
        s4567.StoreUnsafe(ref y, 4);
        Tail(ref x, ref w, ref y, kept, full);
    }

    /// <summary>acc += the 16 products of w and x, summed in pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Products(Vector128<int> acc, Vector128<sbyte> w, Vector128<sbyte> x) =>
        AdvSimd.AddPairwiseWideningAndAdd(AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningLower(w.GetLower(), x.GetLower())),
            AdvSimd.MultiplyWideningUpper(w, x));
}
