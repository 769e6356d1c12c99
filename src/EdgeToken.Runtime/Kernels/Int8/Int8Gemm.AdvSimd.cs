using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemm
{
    /// <summary>ARM64 dot product (sdot): 16 s8 by 16 s8, four products into each of 4 int32 lanes, one instruction;
    /// two accumulators, 32 bytes a step.</summary>
    private static int DotAdvSimd(ref sbyte x, ref sbyte w, int k)
    {
        var acc0 = Vector128<int>.Zero;
        var acc1 = Vector128<int>.Zero;
        int i = 0;
        for (; i <= k - 32; i += 32)
        {
            acc0 = Dp.DotProduct(acc0, Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref w, (nuint)i));
            acc1 = Dp.DotProduct(acc1, Vector128.LoadUnsafe(ref x, (nuint)(i + 16)), Vector128.LoadUnsafe(ref w, (nuint)(i + 16)));
        }
        for (; i <= k - 16; i += 16)
            acc0 = Dp.DotProduct(acc0, Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref w, (nuint)i));
        return Vector128.Sum(acc0 + acc1) + DotScalar(ref x, ref w, i, k);
    }

    /// <summary>Four dot products of one x with four consecutive rows of w (k apart) into y[0..3]: each 16 bytes of x
    /// loaded once for the four sdot, an 8-byte step on the 64-bit sdot, the four sums reduced together (two addp).</summary>
    private static void Dot4AdvSimd(ref sbyte x, ref sbyte w, int k, ref int y)
    {
        Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
        ref sbyte w1 = ref Unsafe.Add(ref w, k);
        ref sbyte w2 = ref Unsafe.Add(ref w, 2 * k);
        ref sbyte w3 = ref Unsafe.Add(ref w, 3 * k);
        int i = 0;
        for (; i <= k - 16; i += 16)
        {
            var xv = Vector128.LoadUnsafe(ref x, (nuint)i);
            a0 = Dp.DotProduct(a0, xv, Vector128.LoadUnsafe(ref w, (nuint)i));
            a1 = Dp.DotProduct(a1, xv, Vector128.LoadUnsafe(ref w1, (nuint)i));
            a2 = Dp.DotProduct(a2, xv, Vector128.LoadUnsafe(ref w2, (nuint)i));
            a3 = Dp.DotProduct(a3, xv, Vector128.LoadUnsafe(ref w3, (nuint)i));
        }
        var sums = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3));
        if (i <= k - 8)
        {
            var xv = Vector64.LoadUnsafe(ref x, (nuint)i);
            var b0 = Dp.DotProduct(Vector64<int>.Zero, xv, Vector64.LoadUnsafe(ref w, (nuint)i));
            var b1 = Dp.DotProduct(Vector64<int>.Zero, xv, Vector64.LoadUnsafe(ref w1, (nuint)i));
            var b2 = Dp.DotProduct(Vector64<int>.Zero, xv, Vector64.LoadUnsafe(ref w2, (nuint)i));
            var b3 = Dp.DotProduct(Vector64<int>.Zero, xv, Vector64.LoadUnsafe(ref w3, (nuint)i));
            sums += Vector128.Create(AdvSimd.AddPairwise(b0, b1), AdvSimd.AddPairwise(b2, b3));
            i += 8;
        }
        sums.StoreUnsafe(ref y);
        AddTails(ref x, ref w, k, i, ref y);
    }
}
