using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Requantize
{
    /// <summary>Eight channels a step on AVX2: the int32 sums sign-extended to 64-bit lanes, multiplied exactly (vpmuldq),
    /// rounded half away from zero as <c>(|p| + 2^(s-1)) &gt;&gt; s</c> with a per-lane shift (vpsrlvq), which is what
    /// <see cref="RoundingShift.HalfAwayFromZero"/> computes; then the zero point, the clamp and three narrowings.
    /// Starts at <paramref name="from"/>; returns where it stopped, the caller finishes the rest one by one.</summary>
    /// <remarks>The scalar path's cost is mostly branches: the sign of every product and the clamp (half the values of a
    /// fused Relu) are unpredictable, and each miss costs more than this whole step per element.</remarks>
    private static int RowAvx2(int from, ReadOnlySpan<int> accumulators, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int zeroPoint, int min, int max, Span<sbyte> y)
    {
        int count = accumulators.Length & ~7;
        if (count <= from) return from;
        ref int acc = ref MemoryMarshal.GetReference(accumulators);
        ref int b = ref MemoryMarshal.GetReference(bias);
        ref int m = ref MemoryMarshal.GetReference(multipliers);
        ref int s = ref MemoryMarshal.GetReference(shifts);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        bool perChannel = multipliers.Length > 1;
        var zp = Vector256.Create((long)zeroPoint);
        var lo = Vector256.Create((long)min);
        var hi = Vector256.Create((long)max);
        var mv = Vector256.Create(m);
        var sv = Vector256.Create(s + 31);
        for (int i = from; i < count; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref acc, (nuint)i);
            if (!bias.IsEmpty) v += Vector256.LoadUnsafe(ref b, (nuint)i);
            if (perChannel)
            {
                mv = Vector256.LoadUnsafe(ref m, (nuint)i);
                sv = Vector256.LoadUnsafe(ref s, (nuint)i) + Vector256.Create(31);
            }
            var r0 = Scale(Avx2.ConvertToVector256Int64(v.GetLower()), Avx2.ConvertToVector256Int64(mv.GetLower()), Avx2.ConvertToVector256Int64(sv.GetLower()), zp, lo, hi);
            var r1 = Scale(Avx2.ConvertToVector256Int64(v.GetUpper()), Avx2.ConvertToVector256Int64(mv.GetUpper()), Avx2.ConvertToVector256Int64(sv.GetUpper()), zp, lo, hi);
            var ints = Vector256.Narrow(r0, r1);
            var shorts = Vector128.Narrow(ints.GetLower(), ints.GetUpper());
            Vector128.Narrow(shorts, shorts).AsSByte().GetLower().StoreUnsafe(ref ys, (nuint)i);
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Scale(Vector256<long> v, Vector256<long> multiplier, Vector256<long> shift, Vector256<long> zeroPoint, Vector256<long> lo, Vector256<long> hi)
    {
        var p = Avx2.Multiply(v.AsInt32(), multiplier.AsInt32()); // low 32 bits of each lane, signed, to 64 bits: exact
        var sign = Vector256.LessThan(p, Vector256<long>.Zero);
        var magnitude = (p ^ sign) - sign;
        var half = Avx2.ShiftLeftLogicalVariable(Vector256<long>.One, (shift - Vector256<long>.One).AsUInt64());
        var rounded = Avx2.ShiftRightLogicalVariable((magnitude + half).AsUInt64(), shift.AsUInt64()).AsInt64();
        var r = ((rounded ^ sign) - sign) + zeroPoint;
        return Vector256.Min(Vector256.Max(r, lo), hi);
    }
}
