using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemm
{
    /// <summary>AVX2: vpmovsxbw widens 16 bytes to 16 int16, vpmaddwd multiplies and adds adjacent pairs into 8 int32
    /// (exact: 2 · 128² &lt; 2^31). Two independent accumulators hide vpmaddwd's latency; 32 bytes a step.</summary>
    private static int DotAvx2(ref sbyte x, ref sbyte w, int k)
    {
        var acc0 = Vector256<int>.Zero;
        var acc1 = Vector256<int>.Zero;
        int i = 0;
        for (; i <= k - 32; i += 32)
        {
            acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)i)),
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)i))));
            acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)(i + 16))),
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)(i + 16)))));
        }
        for (; i <= k - 16; i += 16)
            acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)i)),
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)i))));
        return Vector256.Sum(Avx2.Add(acc0, acc1)) + DotScalar(ref x, ref w, i, k);
    }
}
