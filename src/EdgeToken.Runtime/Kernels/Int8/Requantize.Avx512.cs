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
        int count = accumulators.Length & ~15;
        if (count == 0) return 0;
        ref int acc = ref MemoryMarshal.GetReference(accumulators);
        ref int b = ref MemoryMarshal.GetReference(bias);
        ref int m = ref MemoryMarshal.GetReference(multipliers);
        ref int s = ref MemoryMarshal.GetReference(shifts);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        bool perChannel = multipliers.Length > 1;
        var zp = Vector512.Create((long)zeroPoint);
        var lo = Vector512.Create((long)min);
        var hi = Vector512.Create((long)max);
        var mv = Vector512.Create(m);
        var sv = Vector512.Create(s + 31);
        for (int i = 0; i < count; i += 16)
        {
            var v = Vector512.LoadUnsafe(ref acc, (nuint)i);
            if (!bias.IsEmpty) v += Vector512.LoadUnsafe(ref b, (nuint)i);
            if (perChannel)
            {
                mv = Vector512.LoadUnsafe(ref m, (nuint)i);
                sv = Vector512.LoadUnsafe(ref s, (nuint)i) + Vector512.Create(31);
            }
            var r0 = Scale(Avx512F.ConvertToVector512Int64(v.GetLower()), Avx512F.ConvertToVector512Int64(mv.GetLower()), Avx512F.ConvertToVector512Int64(sv.GetLower()), zp, lo, hi);
            var r1 = Scale(Avx512F.ConvertToVector512Int64(v.GetUpper()), Avx512F.ConvertToVector512Int64(mv.GetUpper()), Avx512F.ConvertToVector512Int64(sv.GetUpper()), zp, lo, hi);
            Sse2.UnpackLow(Avx512F.ConvertToVector128SByte(r0).AsInt64(), Avx512F.ConvertToVector128SByte(r1).AsInt64()).AsSByte().StoreUnsafe(ref ys, (nuint)i);
        }
        return count;
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
