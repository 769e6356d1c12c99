using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>ARM64 dot product: each 16 weight bytes are four outputs × four k, so one sdot with the four x bytes
    /// replicated adds four products into each output's own lane. No widening, no reduction.</summary>
    private static void PackedAdvSimd(ref sbyte x, ref sbyte w, ref int y, int k, int n)
    {
        int quads = k / PackDepth, blocks = n / PackRows;
        for (int b = 0; b < blocks; b++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
            var a0 = Vector128<int>.Zero;
            var a1 = Vector128<int>.Zero;
            for (int q = 0; q < quads; q++)
            {
                var xv = Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, q * PackDepth)))).AsSByte();
                a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref w0, (nuint)(q * 32)), xv);
                a1 = Dp.DotProduct(a1, Vector128.LoadUnsafe(ref w0, (nuint)(q * 32 + 16)), xv);
            }
            a0.StoreUnsafe(ref y, (nuint)(b * PackRows));
            a1.StoreUnsafe(ref y, (nuint)(b * PackRows + 4));
        }
    }
}
