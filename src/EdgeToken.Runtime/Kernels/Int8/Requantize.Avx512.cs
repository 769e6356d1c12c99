using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Requantize
{
    /// <summary>Sixteen channels a step on AVX-512F: the AVX2 sequence on eight 64-bit lanes, with the instructions
    /// AVX2 lacks for them (vpsraq for the sign, vpabsq, vpmaxsq/vpminsq) and vpmovqb narrowing eight lanes to bytes in
    /// one instruction (truncating, as the scalar cast does). Returns how many elements it did.</summary>
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
        var p = Avx512F.Multiply(v.AsInt32(), multiplier.AsInt32()); // vpmuldq: exact 64-bit products
        var sign = Avx512F.ShiftRightArithmetic(p, 63);
        var half = Avx512F.ShiftLeftLogicalVariable(Vector512<long>.One, (shift - Vector512<long>.One).AsUInt64());
        var rounded = Avx512F.ShiftRightLogicalVariable(Avx512F.Abs(p) + half.AsUInt64(), shift.AsUInt64()).AsInt64();
        return Vector512.Min(Vector512.Max(((rounded ^ sign) - sign) + zeroPoint, lo), hi);
    }
}
