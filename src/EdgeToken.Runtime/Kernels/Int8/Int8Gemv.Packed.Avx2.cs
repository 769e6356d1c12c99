using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>AVX2: one block (8 outputs) at a time, each group's 32 weight bytes as two halves of four outputs,
    /// sign-extended and multiplied-added with the broadcast x quad; vphaddd and a 64-bit permute put the 8 sums in order.</summary>
    [SkipLocalsInit] // the x buffer is written (Widen) before it is read
    private static void PackedAvx2(ref sbyte x, ref sbyte w, ref int y, int k, int n)
    {
        Span<short> xs = stackalloc short[Math.Min(k, XChunk)];
        int quads = k / PackDepth, blocks = n / PackRows;
        for (int from = 0; from < k; from += XChunk)
        {
            int length = Math.Min(XChunk, k - from);
            Widen(ref Unsafe.Add(ref x, from), xs, length);
            ref long xq = ref Unsafe.As<short, long>(ref xs[0]);
            int q0 = from / PackDepth, q1 = q0 + length / PackDepth;
            for (int b = 0; b < blocks; b++)
            {
                ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
                var a0 = Vector256<int>.Zero;
                var a1 = Vector256<int>.Zero;
                for (int q = q0; q < q1; q++)
                {
                    var xv = Vector256.Create(Unsafe.Add(ref xq, q - q0)).AsInt16();
                    a0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w0, (nuint)(q * 32))), xv);
                    a1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w0, (nuint)(q * 32 + 16))), xv);
                }
                // hadd: [o0 o1 | o4 o5 | o2 o3 | o6 o7] as 64-bit pairs; the permute puts them in order.
                var sums = Avx2.Permute4x64(Avx2.HorizontalAdd(a0, a1).AsInt64(), 0b11_01_10_00).AsInt32();
                if (from > 0) sums += Vector256.LoadUnsafe(ref y, (nuint)(b * PackRows));
                sums.StoreUnsafe(ref y, (nuint)(b * PackRows));
            }
        }
    }
}
