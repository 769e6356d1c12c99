using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemm
{
    /// <summary>AVX-512BW: the AVX2 sequence on 512-bit registers (32 bytes widened per instruction), 64 bytes a step;
    /// shorter rows fall through to the AVX2 width when the machine has it, then the scalar tail.</summary>
    private static int DotAvx512BW(ref sbyte x, ref sbyte w, int k)
    {
        var acc0 = Vector512<int>.Zero;
        var acc1 = Vector512<int>.Zero;
        int i = 0;
        for (; i <= k - 64; i += 64)
        {
            acc0 = Avx512BW.Add(acc0, Avx512BW.MultiplyAddAdjacent(
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref x, (nuint)i)),
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)i))));
            acc1 = Avx512BW.Add(acc1, Avx512BW.MultiplyAddAdjacent(
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref x, (nuint)(i + 32))),
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)(i + 32)))));
        }
        for (; i <= k - 32; i += 32)
            acc0 = Avx512BW.Add(acc0, Avx512BW.MultiplyAddAdjacent(
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref x, (nuint)i)),
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)i))));
        int sum = Vector512.Sum(acc0 + acc1);
        if (Avx2.IsSupported && k - i >= 16)
        {
            sum += Vector256.Sum(Avx2.MultiplyAddAdjacent(
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)i)),
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)i))));
            i += 16;
        }
        return sum + DotScalar(ref x, ref w, i, k);
    }
}
