using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Requantize
{
    /// <summary>Sixteen channels a step on AVX-512F: the same integers on eight 64-bit lanes, with the instructions
    /// AVX2 lacks for them (vpsraq/vpsravq, so the rounding needs no magnitude and sign restore; vpmaxsq/vpminsq) and
    /// vpmovqb narrowing eight lanes to bytes in one instruction (truncating, as the scalar cast does). Returns how many
    /// elements it did.</summary>
    private static int RowAvx512(ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int zeroPoint, int min, int max, Span<sbyte> y)
    {
        int fast = RowAvx512BelowOne(accumulators, bias, multipliers, shifts, zeroPoint, min, max, y);
        if (fast > 0) return fast;
        int count = accumulators.Length & ~15;
        if (count == 0) return 0;
        ref int acc = ref MemoryMarshal.GetReference(accumulators);
        var zp = Vector512.Create((long)zeroPoint);
        var lo = Vector512.Create((long)min);
        var hi = Vector512.Create((long)max);
        for (int i = 0; i < count; i += 16) Store16(Vector512.LoadUnsafe(ref acc, (nuint)i), i, bias, multipliers, shifts, zp, lo, hi, y);
        return count;
    }

    /// <summary>One channel's plane for <see cref="Channels"/>, sixteen values a step with the 512-bit Scale, the bias and
    /// scale the same for all. Returns how many values it did.</summary>
    /// <remarks>A depthwise convolution (<see cref="Int8DepthwiseConv"/>) spends about as long here as on its sums with
    /// the 256-bit generic step, which has to round on the magnitude and restore the sign.</remarks>
    private static int Plane512(ReadOnlySpan<int> acc, int bias, FixedPointMultiplier scale, int zeroPoint, int min, int max, Span<sbyte> y)
    {
        int count = acc.Length & ~15;
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        var b = Vector512.Create(bias);
        var m = Vector512.Create((long)scale.Multiplier);
        var shift = Vector512.Create((long)(31 + scale.Shift));
        var zp = Vector512.Create((long)zeroPoint);
        var lo = Vector512.Create((long)min);
        var hi = Vector512.Create((long)max);
        if (scale.Shift >= 0)
        {
            switch (RoundingFor(scale.Shift, zeroPoint, min))
            {
                case Rounding.HalfUpFolded: PlaneBelowOne<HalfUpFolded>(ref a, count, b, m, scale, zeroPoint, min, max, ref ys); break;
                case Rounding.HalfUp: PlaneBelowOne<HalfUp>(ref a, count, b, m, scale, zeroPoint, min, max, ref ys); break;
                default: PlaneBelowOne<HalfAwayFromZero>(ref a, count, b, m, scale, zeroPoint, min, max, ref ys); break;
            }
            return count;
        }
        for (int i = 0; i < count; i += 16)
            Sixteen(Vector512.LoadUnsafe(ref a, (nuint)i) + b, m, shift, zp, lo, hi).StoreUnsafe(ref ys, (nuint)i);
        return count;
    }

    /// <summary><see cref="Plane512"/>'s loop for a scale below one, with the rounding the clamp allows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PlaneBelowOne<TRounding>(ref int a, int count, Vector512<int> b, Vector512<long> m,
        FixedPointMultiplier scale, int zeroPoint, int min, int max, ref sbyte ys) where TRounding : struct, IRounding
    {
        var (half, shift, zp32, lo32, hi32) = TRounding.Constants(scale, zeroPoint, min, max);
        for (int i = 0; i < count; i += 16)
            SixteenBelowOne<TRounding>(Vector512.LoadUnsafe(ref a, (nuint)i) + b, m.AsInt32(), m.AsInt32(), half, shift, zp32, lo32, hi32).StoreUnsafe(ref ys, (nuint)i);
    }

    /// <summary>Sixteen int32 sums of one channel (bias added) to int8 with that channel's multiplier and
    /// <c>31 + shift</c> in every 64-bit lane: <see cref="Plane512"/>'s step for a scale of one or more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Sixteen(Vector512<int> v, Vector512<long> multiplier, Vector512<long> shift, Vector512<long> zeroPoint,
        Vector512<long> lo, Vector512<long> hi)
    {
        var r0 = Scale(Avx512F.ConvertToVector512Int64(v.GetLower()), multiplier, shift, zeroPoint, lo, hi);
        var r1 = Scale(Avx512F.ConvertToVector512Int64(v.GetUpper()), multiplier, shift, zeroPoint, lo, hi);
        return Sse2.UnpackLow(Avx512F.ConvertToVector128SByte(r0).AsInt64(), Avx512F.ConvertToVector128SByte(r1).AsInt64()).AsSByte();
    }

    /// <summary><see cref="Sixteen"/> for a scale below one (<c>31 + shift &gt;= 31</c>), in fewer instructions: the even
    /// and odd lanes multiplied in place (vpmuldq reads the low half of each 64-bit lane), rounded as the
    /// 512-bit Scale rounds, and the two halves' low 32 bits interleaved back into one vector (vpermt2d); then the
    /// clamp in int32 to [min - zero point, max - zero point] and the zero point. Exact because a product of an int32
    /// and a multiplier below 2^31, shifted right by 31 or more, stays below 2^31 in magnitude.</summary>
    /// <param name="half">2^(s-1) in every 64-bit lane, <paramref name="shift"/> = s = 31 + shift &gt;= 31.</param>
    /// <param name="evenMultipliers">In the low half of each 64-bit lane the multiplier of the even channel of that lane's pair.</param>
    /// <param name="oddMultipliers">The same for the odd channel (a per-channel row's multipliers shifted right by 32 bits;
    /// one multiplier for all: the same vector twice).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<sbyte> SixteenBelowOne(Vector512<int> v, Vector512<int> evenMultipliers, Vector512<int> oddMultipliers, Vector512<long> half, Vector512<long> shift,
        Vector512<int> zeroPoint, Vector512<int> lo, Vector512<int> hi) =>
        SixteenBelowOne<HalfAwayFromZero>(v, evenMultipliers, oddMultipliers, half, shift, zeroPoint, lo, hi);

    /// <summary><see cref="SixteenBelowOne(Vector512{int}, Vector512{int}, Vector512{int}, Vector512{long}, Vector512{long}, Vector512{int}, Vector512{int}, Vector512{int})"/>
    /// with the rounding <typeparamref name="TRounding"/> (<see cref="HalfUp"/> only where <see cref="ClampsAtZero"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<sbyte> SixteenBelowOne<TRounding>(Vector512<int> v, Vector512<int> evenMultipliers, Vector512<int> oddMultipliers, Vector512<long> half, Vector512<long> shift,
        Vector512<int> zeroPoint, Vector512<int> lo, Vector512<int> hi) where TRounding : struct, IRounding =>
        TRounding.Finish(Avx512F.Multiply(v, evenMultipliers), Avx512F.Multiply(Avx512F.ShiftRightLogical(v.AsInt64(), 32).AsInt32(), oddMultipliers),
            half, shift, zeroPoint, lo, hi);

    /// <summary>y[at..at+16) from the int32 sums <paramref name="v"/> of channels at..at+16: bias, scale, zero point, clamp,
    /// narrowing. Spans already checked.</summary>
    /// <remarks>Requantizing inside the packed GEMV's passes, while the sums are in registers, was measured slower (the
    /// four accumulators and these constants no longer fit the registers), so the GEMV stores its sums and calls Row.
    /// Measured again with <see cref="SixteenBelowOne"/> as the epilogue (its constants hoisted, 20 zmm registers in
    /// the loop, no spills in the JIT's code): the 64 -&gt; 128 layer still took 183 ns against 163 ns for the store
    /// and <see cref="RowAvx512BelowOne"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(Vector512<int> v, int at, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        Vector512<long> zp, Vector512<long> lo, Vector512<long> hi, Span<sbyte> y)
    {
        if (!bias.IsEmpty) v += Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)at);
        ref int m = ref MemoryMarshal.GetReference(multipliers);
        ref int s = ref MemoryMarshal.GetReference(shifts);
        Vector512<int> mv, sv;
        if (multipliers.Length > 1)
        {
            mv = Vector512.LoadUnsafe(ref m, (nuint)at);
            sv = Vector512.LoadUnsafe(ref s, (nuint)at) + Vector512.Create(31);
        }
        else
        {
            mv = Vector512.Create(m);
            sv = Vector512.Create(s + 31);
        }
        SixteenChannels(v, mv, sv, zp, lo, hi).StoreUnsafe(ref MemoryMarshal.GetReference(y), (nuint)at);
    }

    /// <summary>Sixteen channels' sums (bias added) to bytes on 64-bit lanes, each lane with its own multiplier and
    /// <c>31 + shift</c> (<paramref name="shifts"/>); the zero point and clamp shared: <see cref="One"/>'s integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<sbyte> SixteenChannels(Vector512<int> v, Vector512<int> multipliers, Vector512<int> shifts,
        Vector512<long> zp, Vector512<long> lo, Vector512<long> hi)
    {
        var r0 = Scale(Avx512F.ConvertToVector512Int64(v.GetLower()), Avx512F.ConvertToVector512Int64(multipliers.GetLower()), Avx512F.ConvertToVector512Int64(shifts.GetLower()), zp, lo, hi);
        var r1 = Scale(Avx512F.ConvertToVector512Int64(v.GetUpper()), Avx512F.ConvertToVector512Int64(multipliers.GetUpper()), Avx512F.ConvertToVector512Int64(shifts.GetUpper()), zp, lo, hi);
        return Sse2.UnpackLow(Avx512F.ConvertToVector128SByte(r0).AsInt64(), Avx512F.ConvertToVector128SByte(r1).AsInt64()).AsSByte();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Scale(Vector512<long> v, Vector512<long> multiplier, Vector512<long> shift, Vector512<long> zeroPoint, Vector512<long> lo, Vector512<long> hi)
    {
        // Half away from zero without the magnitude: for p >= 0, (p + h) >> s; for p < 0 the same value negated is
        // floor((p + h - 1) / 2^s), an arithmetic shift of p + h - 1 (h = 2^(s-1), so 2^s - h = h). The -1 is p's sign
        // (p >> 63), and no sum overflows: |p| < 2^62, h <= 2^61.
        var p = Avx512F.Multiply(v.AsInt32(), multiplier.AsInt32()); // vpmuldq: exact 64-bit products
        var half = Avx512F.ShiftLeftLogicalVariable(Vector512<long>.One, (shift - Vector512<long>.One).AsUInt64());
        var rounded = Avx512F.ShiftRightArithmeticVariable(p + half + Avx512F.ShiftRightArithmetic(p, 63), shift.AsUInt64());
        return Vector512.Min(Vector512.Max(rounded + zeroPoint, lo), hi);
    }
}
