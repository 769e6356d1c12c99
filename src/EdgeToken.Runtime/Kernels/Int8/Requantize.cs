using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>int32 accumulators to int8: y = clamp(zero_point + round(acc · scale), min, max), the scale a
/// <see cref="FixedPointMultiplier"/> per output channel or one for all, rounding halves away from zero. The clamp bounds
/// carry a fused Relu (min = zero point) or Clip; without one they are -128 and 127.</summary>
public static partial class Requantize
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte One(int accumulator, FixedPointMultiplier scale, int zeroPoint, int min, int max)
    {
        long v = scale.Apply(accumulator) + zeroPoint;
        return (sbyte)(v < min ? min : v > max ? max : v);
    }

    /// <summary>One row of <paramref name="accumulators"/>, element n with <c>bias[n]</c> added first and channel n's scale
    /// (or <c>scales[0]</c> when there is one scale).</summary>
    public static void Row(ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales,
        int zeroPoint, int min, int max, Span<sbyte> y)
    {
        bool perChannel = scales.Length > 1;
        for (int n = 0; n < accumulators.Length; n++)
            y[n] = One(accumulators[n] + (bias.IsEmpty ? 0 : bias[n]), scales[perChannel ? n : 0], zeroPoint, min, max);
    }

    /// <summary><see cref="Row(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{FixedPointMultiplier}, int, int, int, Span{sbyte})"/>
    /// with each scale as its two integers (the quantizer's <c>multipliers</c> and <c>shifts</c> attributes, one per channel
    /// or one), as the generated class passes them from static data. Sixteen channels at a time on AVX-512F, eight on AVX2 (the same integers:
    /// 64-bit products, the same rounding), the rest through <see cref="One"/>.</summary>
    public static void Row(ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int zeroPoint, int min, int max, Span<sbyte> y)
    {
        Check(accumulators, bias, multipliers, shifts, y);
        int done = Avx512F.IsSupported ? RowAvx512(accumulators, bias, multipliers, shifts, zeroPoint, min, max, y) : 0;
        // A generated layer calls this once per inference: when the widest step did the whole row, skip the calls
        // (each passes five spans) that would find nothing left to do.
        if (done == accumulators.Length) return;
        if (Avx2.IsSupported) done = RowAvx2(done, accumulators, bias, multipliers, shifts, zeroPoint, min, max, y);
        RowTail(done, accumulators, bias, multipliers, shifts, zeroPoint, min, max, y);
    }

    /// <summary>The reference for <see cref="Row(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, int, int, Span{sbyte})"/>:
    /// every element through <see cref="One"/>.</summary>
    public static void RowScalar(ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int zeroPoint, int min, int max, Span<sbyte> y)
    {
        Check(accumulators, bias, multipliers, shifts, y);
        RowTail(0, accumulators, bias, multipliers, shifts, zeroPoint, min, max, y);
    }

    private static void Check(ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<sbyte> y)
    {
        if (multipliers.Length != shifts.Length || multipliers.IsEmpty)
            throw new ArgumentException($"{multipliers.Length} multipliers and {shifts.Length} shifts: need the same number, at least one");
        if (y.Length < accumulators.Length || (!bias.IsEmpty && bias.Length < accumulators.Length) || (multipliers.Length > 1 && multipliers.Length < accumulators.Length))
            throw new ArgumentException($"requantizing {accumulators.Length} accumulators: bias, scales or output too short");
    }

    private static void RowTail(int from, ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int zeroPoint, int min, int max, Span<sbyte> y)
    {
        bool perChannel = multipliers.Length > 1;
        for (int n = from; n < accumulators.Length; n++)
        {
            int c = perChannel ? n : 0;
            y[n] = One(accumulators[n] + (bias.IsEmpty ? 0 : bias[n]), new FixedPointMultiplier(multipliers[c], shifts[c]), zeroPoint, min, max);
        }
    }

    /// <summary>A channel-major block ([channels, pixels], as a convolution writes it): every accumulator of channel c
    /// gets <c>bias[c]</c> and <c>scales[c]</c>.</summary>
    public static void Channels(ReadOnlySpan<int> accumulators, int channels, int pixels, ReadOnlySpan<int> bias,
        ReadOnlySpan<FixedPointMultiplier> scales, int zeroPoint, int min, int max, Span<sbyte> y)
    {
        bool perChannel = scales.Length > 1;
        for (int c = 0; c < channels; c++)
        {
            int b = bias.IsEmpty ? 0 : bias[c];
            var s = scales[perChannel ? c : 0];
            var plane = accumulators.Slice(c * pixels, pixels);
            var output = y.Slice(c * pixels, pixels);
            int p = Avx512F.IsSupported ? Plane512(plane, b, s, zeroPoint, min, max, output)
                : Vector256.IsHardwareAccelerated ? Plane256(plane, b, s, zeroPoint, min, max, output) : 0;
            for (; p < pixels; p++) output[p] = One(plane[p] + b, s, zeroPoint, min, max);
        }
    }

    /// <summary>One channel's plane, 16 values a step: the same integer arithmetic as <see cref="One"/> on 64-bit lanes
    /// (multiply, then the rounding shift on the magnitude, sign restored). Returns how many values it did.</summary>
    /// <remarks>A convolution requantizes every output pixel, so the scalar loop (one 64-bit multiply and a branchy
    /// rounding per value) costs as much as a small layer's GEMM. A scale below one (the usual case) takes
    /// <see cref="EightBelowOne"/>, which needs no 64-bit multiply, abs, clamp or narrowing: AVX2 has none of them, and
    /// their emulation made requantizing cost as much as the convolution itself on the AVX2 path.</remarks>
    private static int Plane256(ReadOnlySpan<int> acc, int bias, FixedPointMultiplier scale, int zeroPoint, int min, int max, Span<sbyte> y)
    {
        int shift = 31 + scale.Shift;
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        var b = Vector256.Create(bias);
        int p = 0;
        if (Avx2.IsSupported && scale.Shift >= 0)
        {
            var m = Vector256.Create((uint)scale.Multiplier);
            var half = Vector256.Create(1UL << (shift - 1));
            var zp = Vector256.Create(zeroPoint);
            var lo = Vector256.Create(min - zeroPoint);
            var hi = Vector256.Create(max - zeroPoint);
            if (zeroPoint is >= sbyte.MinValue and <= sbyte.MaxValue && min >= sbyte.MinValue && max <= sbyte.MaxValue && min <= max)
            {
                // 32 values a step with the zero point and the clamp after the narrowing: saturating to int16, adding the
                // zero point with saturation and saturating to int8 keeps every value beyond [-128, 127] beyond it on the
                // same side, so clamping the bytes gives what clamping the exact sums gives.
                var zp16 = Vector256.Create((short)zeroPoint);
                var lo8 = Vector256.Create((sbyte)min);
                var hi8 = Vector256.Create((sbyte)max);
                var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7); // the dwords of four vectors' halves, back in order
                for (; p <= acc.Length - 32; p += 32)
                {
                    var r0 = ScaleBelowOne(Vector256.LoadUnsafe(ref a, (nuint)p) + b, m, half, shift);
                    var r1 = ScaleBelowOne(Vector256.LoadUnsafe(ref a, (nuint)(p + 8)) + b, m, half, shift);
                    var r2 = ScaleBelowOne(Vector256.LoadUnsafe(ref a, (nuint)(p + 16)) + b, m, half, shift);
                    var r3 = ScaleBelowOne(Vector256.LoadUnsafe(ref a, (nuint)(p + 24)) + b, m, half, shift);
                    var s01 = Avx2.AddSaturate(Avx2.PackSignedSaturate(r0, r1), zp16); // r0 0-3, r1 0-3 | r0 4-7, r1 4-7
                    var s23 = Avx2.AddSaturate(Avx2.PackSignedSaturate(r2, r3), zp16);
                    var bytes = Avx2.PackSignedSaturate(s01, s23); // r0 0-3, r1 0-3, r2 0-3, r3 0-3 | the 4-7s
                    bytes = Avx2.Min(Avx2.Max(bytes, lo8), hi8);
                    Avx2.PermuteVar8x32(bytes.AsInt32(), order).AsSByte().StoreUnsafe(ref ys, (nuint)p);
                }
            }
            for (; p <= acc.Length - 16; p += 16)
            {
                var i0 = EightBelowOne(Vector256.LoadUnsafe(ref a, (nuint)p) + b, m, half, shift, zp, lo, hi);
                var i1 = EightBelowOne(Vector256.LoadUnsafe(ref a, (nuint)(p + 8)) + b, m, half, shift, zp, lo, hi);
                ToBytes(i0, i1).StoreUnsafe(ref ys, (nuint)p);
            }
            return p;
        }
        var m64 = Vector256.Create((long)scale.Multiplier);
        var zp64 = Vector256.Create((long)zeroPoint);
        var lo64 = Vector256.Create((long)min);
        var hi64 = Vector256.Create((long)max);
        for (; p <= acc.Length - 16; p += 16)
        {
            var (l0, h0) = Vector256.Widen(Vector256.LoadUnsafe(ref a, (nuint)p) + b);
            var (l1, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref a, (nuint)(p + 8)) + b);
            var i0 = Vector256.Narrow(Finish(l0, m64, shift, zp64, lo64, hi64), Finish(h0, m64, shift, zp64, lo64, hi64));
            var i1 = Vector256.Narrow(Finish(l1, m64, shift, zp64, lo64, hi64), Finish(h1, m64, shift, zp64, lo64, hi64));
            var s16 = Vector256.Narrow(i0, i1); // clamped to int8, so the truncating narrows keep the values
            Vector128.Narrow(s16.GetLower(), s16.GetUpper()).StoreUnsafe(ref ys, (nuint)p);
        }
        return p;
    }

    /// <summary>Eight int32 sums (bias added) requantized with one multiplier for a scale below one (<c>shift</c> = s = 31 +
    /// Shift &gt;= 31), halves away from zero: the magnitudes (vpabsd, exact as unsigned even for int.MinValue) times the
    /// positive multiplier, even and odd lanes in place (vpmuludq reads the low half of each 64-bit lane), plus 2^(s-1);
    /// shifted right by s, the odd lanes' results moved to the high halves and blended with the even ones into one vector, the sign put back with vpsignd (a zero sum rounds to zero anyway), then clamped in int32 to
    /// [min - zero point, max - zero point] and the zero point added. Exact because an int32 times a multiplier below
    /// 2^31, shifted right by 31 or more, stays below 2^31 in magnitude.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> EightBelowOne(Vector256<int> v, Vector256<uint> multiplier, Vector256<ulong> half, int shift,
        Vector256<int> zeroPoint, Vector256<int> lo, Vector256<int> hi) =>
        Vector256.Min(Vector256.Max(ScaleBelowOne(v, multiplier, half, shift), lo), hi) + zeroPoint;

    /// <summary><see cref="EightBelowOne"/> before the clamp and the zero point: round(v · scale), below 2^31 in magnitude.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ScaleBelowOne(Vector256<int> v, Vector256<uint> multiplier, Vector256<ulong> half, int shift)
    {
        var magnitude = Avx2.Abs(v);
        var even = Vector256.ShiftRightLogical(Avx2.Multiply(magnitude, multiplier) + half, shift);
        var odd = Vector256.ShiftRightLogical(Avx2.Multiply(Vector256.ShiftRightLogical(magnitude.AsUInt64(), 32).AsUInt32(), multiplier) + half, shift);
        odd = Vector256.ShiftLeft(odd, 32); // not one shift by s - 32: s is 31 for scales in [0.5, 1)
        return Avx2.Sign(Avx2.Blend(even.AsInt32(), odd.AsInt32(), 0b1010_1010), v);
    }

    /// <summary>Sixteen requantized values (<see cref="EightBelowOne"/>'s, within int8) as bytes, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<sbyte> ToBytes(Vector256<int> i0, Vector256<int> i1)
    {
        var s16 = Avx2.PackSignedSaturate(i0, i1); // i0 0-3, i1 0-3 | i0 4-7, i1 4-7: in range, so saturation keeps them
        var s8 = Sse2.PackSignedSaturate(s16.GetLower(), s16.GetUpper()).AsInt32();
        return Sse2.Shuffle(s8, 0b11_01_10_00).AsSByte(); // the four-byte groups back in order
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Finish(Vector256<long> v, Vector256<long> m, int shift, Vector256<long> zp, Vector256<long> lo, Vector256<long> hi)
    {
        v *= m;
        var magnitude = Vector256.Abs(v);
        var rounded = Vector256.ShiftRightLogical(magnitude, shift) + (Vector256.ShiftRightLogical(magnitude, shift - 1) & Vector256<long>.One);
        var signed = Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<long>.Zero), -rounded, rounded);
        return Vector256.Min(Vector256.Max(signed + zp, lo), hi);
    }
}
