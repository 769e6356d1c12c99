using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Requantize
{
    /// <summary><see cref="RowAvx512"/> when every channel has the same shift and it is at least zero (a scale below one,
    /// which is what a GEMM's input_scale · weight_scale / output_scale is in practice; the multipliers may differ
    /// per channel): sixteen channels a step through <see cref="SixteenBelowOne"/>, which works on the int32 lanes in
    /// place, and the last eight (a layer of 8 outputs, or 8 past a multiple of 16) on the low half of one step.
    /// Returns how many elements it did, 0 when the shifts or bounds do not allow it.</summary>
    /// <remarks>The 64-bit step sign-extends sums, multipliers and shifts (six vpmovsxdq per sixteen channels) and builds
    /// the rounding half per lane; this one multiplies the even and odd int32 lanes in place and hoists the half and the
    /// shift. Measured on the 64 -&gt; 128 -&gt; 64 -&gt; 8 MLP's first layer (Zen4, Stopwatch over 10^6 calls, hot caches):
    /// Row over 128 per-channel accumulators 49 -&gt; 29 ns, over 8 (with the early return in Row) 9 -&gt; 8 ns.</remarks>
    private static int RowAvx512BelowOne(ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int zeroPoint, int min, int max, Span<sbyte> y)
    {
        int count = accumulators.Length & ~7;
        if (count == 0 || !SameShift(shifts, count, out int shift) || shift < 0 || shift > 31) return 0;
        long lo64 = (long)min - zeroPoint, hi64 = (long)max - zeroPoint;
        if (lo64 < int.MinValue || hi64 > int.MaxValue) return 0;
        return ClampsAtZero(zeroPoint, min)
            ? RowBelowOne<HalfUp>(accumulators, bias, multipliers, count, shift, zeroPoint, (int)lo64, (int)hi64, y)
            : RowBelowOne<HalfAwayFromZero>(accumulators, bias, multipliers, count, shift, zeroPoint, (int)lo64, (int)hi64, y);
    }

    /// <summary><see cref="RowAvx512BelowOne"/>'s steps with the rounding the clamp allows.</summary>
    private static int RowBelowOne<TRounding>(ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, int count,
        int shift, int zeroPoint, int lo32, int hi32, Span<sbyte> y) where TRounding : struct, IRounding
    {
        ref int acc = ref MemoryMarshal.GetReference(accumulators);
        ref int b = ref MemoryMarshal.GetReference(bias);
        ref int m = ref MemoryMarshal.GetReference(multipliers);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        bool perChannel = multipliers.Length > 1, hasBias = !bias.IsEmpty;
        var half = Vector512.Create(1L << (30 + shift));
        var total = Vector512.Create((long)(31 + shift));
        var zp = Vector512.Create(zeroPoint);
        var lo = Vector512.Create(lo32);
        var hi = Vector512.Create(hi32);
        var one = Vector512.Create(m);
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var v = Vector512.LoadUnsafe(ref acc, (nuint)i);
            if (hasBias) v += Vector512.LoadUnsafe(ref b, (nuint)i);
            var mv = perChannel ? Vector512.LoadUnsafe(ref m, (nuint)i) : one;
            SixteenBelowOne<TRounding>(v, mv, perChannel ? Avx512F.ShiftRightLogical(mv.AsInt64(), 32).AsInt32() : mv, half, total, zp, lo, hi)
                .StoreUnsafe(ref ys, (nuint)i);
        }
        if (i < count)
        {
            // Eight left: the same step on a vector whose upper half is zero, and only the low eight bytes stored.
            var v = Vector256.LoadUnsafe(ref acc, (nuint)i);
            if (hasBias) v += Vector256.LoadUnsafe(ref b, (nuint)i);
            var mv = perChannel ? Vector256.LoadUnsafe(ref m, (nuint)i).ToVector512() : one;
            var r = SixteenBelowOne<TRounding>(v.ToVector512(), mv, perChannel ? Avx512F.ShiftRightLogical(mv.AsInt64(), 32).AsInt32() : mv, half, total, zp, lo, hi);
            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref ys, i)), r.AsInt64().ToScalar());
            i += 8;
        }
        return i;
    }

    /// <summary>Whether <c>shifts[0..count)</c> (or the one shift) are all the same, and which it is. <paramref name="count"/>
    /// is a multiple of 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SameShift(ReadOnlySpan<int> shifts, int count, out int shift)
    {
        shift = shifts[0];
        if (shifts.Length == 1) return true;
        ref int s = ref MemoryMarshal.GetReference(shifts);
        var first = Vector512.Create(shift);
        int i = 0;
        for (; i + 16 <= count; i += 16)
            if (Vector512.LoadUnsafe(ref s, (nuint)i) != first) return false;
        if (i + 8 <= count && Vector256.LoadUnsafe(ref s, (nuint)i) != first.GetLower()) return false;
        return true;
    }
}
