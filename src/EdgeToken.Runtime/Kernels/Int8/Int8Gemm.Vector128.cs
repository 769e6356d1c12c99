using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemm
{
    /// <summary>Portable: 16 bytes a step, sign-extended to int16; |x · w| ≤ 128 · 128 fits int16 products,
    /// which are widened to int32 before adding.</summary>
    private static int DotVector128(ref sbyte x, ref sbyte w, int k)
    {
        var acc = Vector128<int>.Zero;
        int i = 0;
        for (; i <= k - 16; i += 16)
        {
            var (xl, xh) = Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)i));
            var (wl, wh) = Vector128.Widen(Vector128.LoadUnsafe(ref w, (nuint)i));
            var (p0, p1) = Vector128.Widen(xl * wl);
            var (p2, p3) = Vector128.Widen(xh * wh);
            acc += (p0 + p1) + (p2 + p3);
        }
        return Vector128.Sum(acc) + DotScalar(ref x, ref w, i, k);
    }
}
