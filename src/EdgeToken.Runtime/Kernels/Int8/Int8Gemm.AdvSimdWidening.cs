using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Int8;

// The Vector128 path on an ARM64 without the dot product (ARMv8.0 cores: Cortex-A53, A57, A72, as on
// Raspberry Pi 3 and 4): smull/smull2 multiply eight byte pairs into int16 lanes (one product a lane, |x · w| ≤ 2^14,
// exact for any bytes) and sadalp adds each pair of lanes into an int32 accumulator. Four instructions for 16 products,
// where the portable loop spends sixteen (two widenings per input, two multiplies, four widenings of the products, four
// adds). DotScalar is the reference; EdgeToken.Int8Check runs both under qemu (-cpu max and -cpu cortex-a72).
public static partial class Int8Gemm
{
    /// <summary>One dot product: 16 bytes a step, then 8, then DotScalar.</summary>
    private static int DotAdvSimdWidening(ref sbyte x, ref sbyte w, int k)
    {
        var acc = Vector128<int>.Zero;
        int i = 0;
        for (; i <= k - 16; i += 16)
            acc = Step16(acc, Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref w, (nuint)i));
        if (i <= k - 8)
        {
            acc = AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningLower(Vector64.LoadUnsafe(ref x, (nuint)i), Vector64.LoadUnsafe(ref w, (nuint)i)));
            i += 8;
        }
        return AdvSimd.Arm64.AddAcross(acc).ToScalar() + DotScalar(ref x, ref w, i, k);
    }

    /// <summary>Four dot products of one x with four consecutive rows of w (k apart) into y[0..3]: x loaded once per step
    /// for the four, the four sums reduced together (two addp).</summary>
    private static void Dot4AdvSimdWidening(ref sbyte x, ref sbyte w, int k, ref int y)
    {
        Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
        ref sbyte w1 = ref Unsafe.Add(ref w, k);
        ref sbyte w2 = ref Unsafe.Add(ref w, 2 * k);
        ref sbyte w3 = ref Unsafe.Add(ref w, 3 * k);
        int i = 0;
        for (; i <= k - 16; i += 16)
        {
            var xv = Vector128.LoadUnsafe(ref x, (nuint)i);
            a0 = Step16(a0, xv, Vector128.LoadUnsafe(ref w, (nuint)i));
            a1 = Step16(a1, xv, Vector128.LoadUnsafe(ref w1, (nuint)i));
            a2 = Step16(a2, xv, Vector128.LoadUnsafe(ref w2, (nuint)i));
            a3 = Step16(a3, xv, Vector128.LoadUnsafe(ref w3, (nuint)i));
        }
        if (i <= k - 8)
        {
            var xv = Vector64.LoadUnsafe(ref x, (nuint)i);
            a0 = AdvSimd.AddPairwiseWideningAndAdd(a0, AdvSimd.MultiplyWideningLower(xv, Vector64.LoadUnsafe(ref w, (nuint)i)));
            a1 = AdvSimd.AddPairwiseWideningAndAdd(a1, AdvSimd.MultiplyWideningLower(xv, Vector64.LoadUnsafe(ref w1, (nuint)i)));
            a2 = AdvSimd.AddPairwiseWideningAndAdd(a2, AdvSimd.MultiplyWideningLower(xv, Vector64.LoadUnsafe(ref w2, (nuint)i)));
            a3 = AdvSimd.AddPairwiseWideningAndAdd(a3, AdvSimd.MultiplyWideningLower(xv, Vector64.LoadUnsafe(ref w3, (nuint)i)));
            i += 8;
        }
        var sums = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3));
        sums.StoreUnsafe(ref y);
        AddTails(ref x, ref w, k, i, ref y);
    }

    /// <summary>acc += the 16 products of x and w, summed in pairs (smull, smull2, two sadalp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Step16(Vector128<int> acc, Vector128<sbyte> x, Vector128<sbyte> w) =>
        AdvSimd.AddPairwiseWideningAndAdd(AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningLower(x.GetLower(), w.GetLower())),
            AdvSimd.MultiplyWideningUpper(x, w));
}
