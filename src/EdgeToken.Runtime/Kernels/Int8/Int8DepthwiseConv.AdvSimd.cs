using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The vector sums on ARM64 (every ARM64 core: the depthwise kernel does not use sdot): per tap and sixteen
/// output positions, two loads of int16 inputs and four smlal/smlal2, each multiplying eight int16 inputs by the tap's
/// weight and adding the exact int32 products into the accumulators. The portable Vector128 loop spends a multiply, two
/// widenings and two adds for every eight.</summary>
public static partial class Int8DepthwiseConv
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumsAdvSimd(ref short p, ReadOnlySpan<sbyte> wc, ref int a, int outH, int outW, int kH, int kW, int sH, int dH, int dW)
    {
        if (kH == 3 && kW == 3)
        {
            Sums3x3AdvSimd(ref p, wc, ref a, outH, outW, sH, dH, dW);
            return;
        }
        for (int oh = 0; oh < outH; oh++)
        {
            int top = oh * sH, row = oh * outW;
            for (int ow = 0; ow < outW; ow += Lanes)
            {
                Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int kh = 0; kh < kH; kh++)
                    for (int kw = 0; kw < kW; kw++)
                        Tap(ref p, (nuint)(top + kh * dH + kw * dW + ow), Vector128.Create((short)wc[kh * kW + kw]), ref a0, ref a1, ref a2, ref a3);
                Store(ref a, row + ow, a0, a1, a2, a3);
            }
        }
    }

    /// <summary>The 3x3 kernel with its nine weights in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sums3x3AdvSimd(ref short p, ReadOnlySpan<sbyte> wc, ref int a, int outH, int outW, int sH, int dH, int dW)
    {
        Vector128<short> w0 = Vector128.Create((short)wc[0]), w1 = Vector128.Create((short)wc[1]), w2 = Vector128.Create((short)wc[2]);
        Vector128<short> w3 = Vector128.Create((short)wc[3]), w4 = Vector128.Create((short)wc[4]), w5 = Vector128.Create((short)wc[5]);
        Vector128<short> w6 = Vector128.Create((short)wc[6]), w7 = Vector128.Create((short)wc[7]), w8 = Vector128.Create((short)wc[8]);
        nuint d = (nuint)dW;
        for (int oh = 0; oh < outH; oh++)
        {
            int top = oh * sH, row = oh * outW;
            for (int ow = 0; ow < outW; ow += Lanes)
            {
                nuint r0 = (nuint)(top + ow), r1 = r0 + (nuint)dH, r2 = r1 + (nuint)dH;
                Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
                Tap(ref p, r0, w0, ref a0, ref a1, ref a2, ref a3);
                Tap(ref p, r0 + d, w1, ref a0, ref a1, ref a2, ref a3);
                Tap(ref p, r0 + 2 * d, w2, ref a0, ref a1, ref a2, ref a3);
                Tap(ref p, r1, w3, ref a0, ref a1, ref a2, ref a3);
                Tap(ref p, r1 + d, w4, ref a0, ref a1, ref a2, ref a3);
                Tap(ref p, r1 + 2 * d, w5, ref a0, ref a1, ref a2, ref a3);
                Tap(ref p, r2, w6, ref a0, ref a1, ref a2, ref a3);
                Tap(ref p, r2 + d, w7, ref a0, ref a1, ref a2, ref a3);
                Tap(ref p, r2 + 2 * d, w8, ref a0, ref a1, ref a2, ref a3);
                Store(ref a, row + ow, a0, a1, a2, a3);
            }
        }
    }

    /// <summary>Sixteen positions from plane offset <paramref name="at"/> times one weight, added into the four accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap(ref short p, nuint at, Vector128<short> w, ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3)
    {
        var x0 = Vector128.LoadUnsafe(ref p, at);
        var x1 = Vector128.LoadUnsafe(ref p, at + 8);
        a0 = AdvSimd.MultiplyWideningLowerAndAdd(a0, x0.GetLower(), w.GetLower());
        a1 = AdvSimd.MultiplyWideningUpperAndAdd(a1, x0, w);
        a2 = AdvSimd.MultiplyWideningLowerAndAdd(a2, x1.GetLower(), w.GetLower());
        a3 = AdvSimd.MultiplyWideningUpperAndAdd(a3, x1, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref int a, int at, Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3)
    {
        a0.StoreUnsafe(ref a, (nuint)at);
        a1.StoreUnsafe(ref a, (nuint)(at + 4));
        a2.StoreUnsafe(ref a, (nuint)(at + 8));
        a3.StoreUnsafe(ref a, (nuint)(at + 12));
    }
}
