using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>x widened to int16 this many values at a time (on the stack), the products summed into the accumulators chunk by chunk.</summary>
    /// <remarks>256 covers the layers of a small MLP in one chunk; 512 bytes of stack.</remarks>
    private const int XChunk = 256;

    /// <summary>AVX-512BW: four blocks (32 outputs) at a time, then two, then one, so each x broadcast serves as many
    /// weight loads as the registers allow. Per group of four k: the four x values as int16, broadcast
    /// (vpbroadcastq); each block's 32 weight bytes sign-extended to 32 int16 (vpmovsxbw) and multiplied-added with them
    /// (vpmaddwd) into 16 int32 lanes, two per output. At the end one two-source permute per parity and an add give the
    /// 16 sums in order.</summary>
    [SkipLocalsInit] // the x buffer is written (Widen) before it is read
    private static void PackedAvx512BW(ref sbyte x, ref sbyte w, ref int y, int k, int n)
    {
        Span<short> xs = stackalloc short[Math.Min(k, XChunk)];
        int quads = k / PackDepth, blocks = n / PackRows;
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = even + Vector512<int>.One;
        for (int from = 0; from < k; from += XChunk)
        {
            int length = Math.Min(XChunk, k - from);
            Widen(ref Unsafe.Add(ref x, from), xs, length);
            ref long xq = ref Unsafe.As<short, long>(ref xs[0]);
            int q0 = from / PackDepth, q1 = q0 + length / PackDepth;
            int b = 0;
            for (; b + 4 <= blocks; b += 4)
            {
                ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
                ref sbyte w1 = ref Unsafe.Add(ref w0, quads * 32);
                ref sbyte w2 = ref Unsafe.Add(ref w1, quads * 32);
                ref sbyte w3 = ref Unsafe.Add(ref w2, quads * 32);
                var a0 = Vector512<int>.Zero;
                var a1 = Vector512<int>.Zero;
                var a2 = Vector512<int>.Zero;
                var a3 = Vector512<int>.Zero;
                for (int q = q0; q < q1; q++)
                {
                    var xv = Vector512.Create(Unsafe.Add(ref xq, q - q0)).AsInt16();
                    a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w0, (nuint)(q * 32))), xv);
                    a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w1, (nuint)(q * 32))), xv);
                    a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w2, (nuint)(q * 32))), xv);
                    a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w3, (nuint)(q * 32))), xv);
                }
                var s0 = Avx512F.PermuteVar16x32x2(a0, even, a1) + Avx512F.PermuteVar16x32x2(a0, odd, a1);
                var s1 = Avx512F.PermuteVar16x32x2(a2, even, a3) + Avx512F.PermuteVar16x32x2(a2, odd, a3);
                if (from > 0)
                {
                    s0 += Vector512.LoadUnsafe(ref y, (nuint)(b * PackRows));
                    s1 += Vector512.LoadUnsafe(ref y, (nuint)(b * PackRows + 16));
                }
                s0.StoreUnsafe(ref y, (nuint)(b * PackRows));
                s1.StoreUnsafe(ref y, (nuint)(b * PackRows + 16));
            }
            for (; b + 2 <= blocks; b += 2)
            {
                ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
                ref sbyte w1 = ref Unsafe.Add(ref w0, quads * 32);
                var a0 = Vector512<int>.Zero;
                var a1 = Vector512<int>.Zero;
                for (int q = q0; q < q1; q++)
                {
                    var xv = Vector512.Create(Unsafe.Add(ref xq, q - q0)).AsInt16();
                    a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w0, (nuint)(q * 32))), xv);
                    a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w1, (nuint)(q * 32))), xv);
                }
                var sums = Avx512F.PermuteVar16x32x2(a0, even, a1) + Avx512F.PermuteVar16x32x2(a0, odd, a1);
                if (from > 0) sums += Vector512.LoadUnsafe(ref y, (nuint)(b * PackRows));
                sums.StoreUnsafe(ref y, (nuint)(b * PackRows));
            }
            if (b < blocks)
            {
                ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
                var a0 = Vector512<int>.Zero;
                for (int q = q0; q < q1; q++)
                    a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w0, (nuint)(q * 32))),
                        Vector512.Create(Unsafe.Add(ref xq, q - q0)).AsInt16());
                var sums = (Avx512F.PermuteVar16x32x2(a0, even, a0) + Avx512F.PermuteVar16x32x2(a0, odd, a0)).GetLower();
                if (from > 0) sums += Vector256.LoadUnsafe(ref y, (nuint)(b * PackRows));
                sums.StoreUnsafe(ref y, (nuint)(b * PackRows));
            }
        }
    }

    /// <summary>x[0..length) to int16, 16 at a time with vpmovsxbw where there is AVX2.</summary>
    private static void Widen(ref sbyte x, Span<short> xs, int length)
    {
        int i = 0;
        if (Avx2.IsSupported)
            for (; i <= length - 16; i += 16)
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref xs[0], (nuint)i);
        for (; i < length; i++) xs[i] = Unsafe.Add(ref x, i);
    }
}
