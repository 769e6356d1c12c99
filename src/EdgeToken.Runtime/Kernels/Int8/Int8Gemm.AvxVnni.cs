using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemm
{
    /// <summary>AVX-VNNI: vpdpbusd multiplies 32 u8 by 32 s8 and adds each group of four products into an int32 lane,
    /// without saturation. x is made unsigned by flipping its sign bit (x + 128); a second vpdpbusd with all-ones bytes
    /// sums w alongside, and 128 · Σw is subtracted at the end.</summary>
    /// <remarks>Summing w in the loop costs a second instruction per step; precomputing Σw per weight row would save
    /// it, but then this path alone would need a packed weight format. 32 bytes a step, two instructions, against
    /// AVX2's five.</remarks>
    private static int DotAvxVnni(ref sbyte x, ref sbyte w, int k)
    {
        var acc = Vector256<int>.Zero;
        var wsum = Vector256<int>.Zero;
        var flip = Vector256.Create((byte)0x80);
        var ones = Vector256.Create((byte)1);
        int i = 0;
        for (; i <= k - 32; i += 32)
        {
            var xu = Vector256.LoadUnsafe(ref x, (nuint)i).AsByte() ^ flip;
            var wv = Vector256.LoadUnsafe(ref w, (nuint)i);
            acc = AvxVnni.MultiplyWideningAndAdd(acc, xu, wv);
            wsum = AvxVnni.MultiplyWideningAndAdd(wsum, ones, wv);
        }
        return Vector256.Sum(acc) - 128 * Vector256.Sum(wsum) + DotScalar(ref x, ref w, i, k);
    }
}
