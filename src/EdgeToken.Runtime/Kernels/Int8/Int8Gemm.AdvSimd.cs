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
}
