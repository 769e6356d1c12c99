using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>The Vector128 path on an ARM64 without the dot product (see Int8Gemm.AdvSimdWidening.cs): per group quad,
    /// the four x bytes replicated (one dup), the 32 weight bytes (eight outputs × four k) multiplied with smull/smull2 into
    /// int16 lanes, one product each, and sadalp adding each pair into the outputs' int32 accumulators (two outputs a
    /// register); two addp per group finish the eight sums. Eight multiply-adds and three instructions for every 32
    /// products, where the portable loop builds x lane by lane and widens twice.</summary>
    private static void PackedAdvSimdWidening(ref sbyte x, ref sbyte w, ref int y, int k, int n)
    {
        int quads = k / PackDepth, blocks = n / PackRows;
        for (int b = 0; b < blocks; b++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, b * quads * 32);
            Vector128<int> a01 = default, a23 = default, a45 = default, a67 = default;
            for (int q = 0; q < quads; q++)
            {
                var xv = Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, q * PackDepth)))).AsSByte();
                var lo = Vector128.LoadUnsafe(ref w0, (nuint)(q * 32));      // outputs 0-3, four k each
                var hi = Vector128.LoadUnsafe(ref w0, (nuint)(q * 32 + 16)); // outputs 4-7
                a01 = AdvSimd.AddPairwiseWideningAndAdd(a01, AdvSimd.MultiplyWideningLower(lo.GetLower(), xv.GetLower()));
                a23 = AdvSimd.AddPairwiseWideningAndAdd(a23, AdvSimd.MultiplyWideningUpper(lo, xv));
                a45 = AdvSimd.AddPairwiseWideningAndAdd(a45, AdvSimd.MultiplyWideningLower(hi.GetLower(), xv.GetLower()));
                a67 = AdvSimd.AddPairwiseWideningAndAdd(a67, AdvSimd.MultiplyWideningUpper(hi, xv));
            }
            // a01 holds output 0's two pair sums, then output 1's: one addp of a01 and a23 gives outputs 0-3.
            ref int yb = ref Unsafe.Add(ref y, b * PackRows);
            AdvSimd.Arm64.AddPairwise(a01, a23).StoreUnsafe(ref yb);
            AdvSimd.Arm64.AddPairwise(a45, a67).StoreUnsafe(ref yb, 4);
        }
    }
}
