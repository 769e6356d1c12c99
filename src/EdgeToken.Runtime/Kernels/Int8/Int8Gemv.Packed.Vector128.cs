using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>Portable (an ARM64 without the dot product, or any other 128-bit SIMD): each 16 weight bytes of a group are
    /// four outputs × four k; sign-extended to int16, multiplied by the four x values (|x · w| ≤ 128 · 128 fits int16),
    /// the products widened to int32 and added into one accumulator per output; one horizontal sum per output at the end.</summary>
    private static void PackedVector128(ref sbyte x, ref sbyte w, ref int y, int k, int n)
    {
        int quads = k / PackDepth, blocks = n / PackRows;
        for (int b = 0; b < blocks; b++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int q = 0; q < quads; q++)
            {
                ref sbyte xq = ref Unsafe.Add(ref x, q * PackDepth);
                // The quad twice: one int16 vector covers two outputs' four k.
                var xv = Vector128.Create((short)xq, Unsafe.Add(ref xq, 1), Unsafe.Add(ref xq, 2), Unsafe.Add(ref xq, 3),
                    xq, Unsafe.Add(ref xq, 1), Unsafe.Add(ref xq, 2), Unsafe.Add(ref xq, 3));
                var (l0, h0) = Vector128.Widen(Vector128.LoadUnsafe(ref w0, (nuint)(q * 32)));
                var (l1, h1) = Vector128.Widen(Vector128.LoadUnsafe(ref w0, (nuint)(q * 32 + 16)));
                var (p0, p1) = Vector128.Widen(l0 * xv);
                var (p2, p3) = Vector128.Widen(h0 * xv);
                var (p4, p5) = Vector128.Widen(l1 * xv);
                var (p6, p7) = Vector128.Widen(h1 * xv);
                a0 += p0; a1 += p1; a2 += p2; a3 += p3; a4 += p4; a5 += p5; a6 += p6; a7 += p7;
            }
            ref int yb = ref Unsafe.Add(ref y, b * PackRows);
            yb = Vector128.Sum(a0);
            Unsafe.Add(ref yb, 1) = Vector128.Sum(a1);
            Unsafe.Add(ref yb, 2) = Vector128.Sum(a2);
            Unsafe.Add(ref yb, 3) = Vector128.Sum(a3);
            Unsafe.Add(ref yb, 4) = Vector128.Sum(a4);
            Unsafe.Add(ref yb, 5) = Vector128.Sum(a5);
            Unsafe.Add(ref yb, 6) = Vector128.Sum(a6);
            Unsafe.Add(ref yb, 7) = Vector128.Sum(a7);
        }
    }
}
