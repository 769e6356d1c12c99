using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Sparse;

public static partial class SparseInt8Gemm
{
    /// <summary>ARM64 dot product, one block of eight rows: per tile the 16 gathered inputs in one register and one sdot
    /// per row's 16 weight bytes into its own four lanes; the eight rows reduced once per block (pairwise adds).</summary>
    private static void BlockAdvSimd(ref sbyte x, ref sbyte w, ref int y, int kept)
    {
        const int W = NmTiles.Width;
        int full = kept / W * W;
        Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int t = 0; t < full; t += W)
        {
            var xv = Vector128.LoadUnsafe(ref x, (nuint)t);
            ref sbyte tile = ref Unsafe.Add(ref w, t * NmTiles.Rows);
            a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref tile), xv);
            a1 = Dp.DotProduct(a1, Vector128.LoadUnsafe(ref tile, 16), xv);
            a2 = Dp.DotProduct(a2, Vector128.LoadUnsafe(ref tile, 32), xv);
            a3 = Dp.DotProduct(a3, Vector128.LoadUnsafe(ref tile, 48), xv);
            a4 = Dp.DotProduct(a4, Vector128.LoadUnsafe(ref tile, 64), xv);
            a5 = Dp.DotProduct(a5, Vector128.LoadUnsafe(ref tile, 80), xv);
            a6 = Dp.DotProduct(a6, Vector128.LoadUnsafe(ref tile, 96), xv);
            a7 = Dp.DotProduct(a7, Vector128.LoadUnsafe(ref tile, 112), xv);
        }
        var s0123 = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3));
        var s4567 = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a4, a5), AdvSimd.Arm64.AddPairwise(a6, a7));
        s0123.StoreUnsafe(ref y);
        s4567.StoreUnsafe(ref y, 4);
        Tail(ref x, ref w, ref y, kept, full);
    }

    /// <summary>Portable 128-bit, one block of eight rows: per tile each row's 16 weight bytes and the 16 inputs
    /// sign-extended to int16, multiplied (|x · w| ≤ 128 · 128 fits int16) and widened to int32 before adding, into one
    /// accumulator per row.</summary>
    private static void BlockVector128(ref sbyte x, ref sbyte w, ref int y, int kept)
    {
        const int W = NmTiles.Width;
        int full = kept / W * W;
        for (int r = 0; r < NmTiles.Rows; r++)
        {
            var acc = Vector128<int>.Zero;
            for (int t = 0; t < full; t += W)
            {
                var (xl, xh) = Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)t));
                var (wl, wh) = Vector128.Widen(Vector128.LoadUnsafe(ref w, (nuint)(t * NmTiles.Rows + r * W)));
                var (p0, p1) = Vector128.Widen(xl * wl);
                var (p2, p3) = Vector128.Widen(xh * wh);
                acc += (p0 + p1) + (p2 + p3);
            }
            Unsafe.Add(ref y, r) = Vector128.Sum(acc);
        }
        Tail(ref x, ref w, ref y, kept, full);
    }
}
