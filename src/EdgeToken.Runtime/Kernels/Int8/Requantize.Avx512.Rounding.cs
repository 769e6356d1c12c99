using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Requantize
{
    /// <summary>How <see cref="SixteenBelowOne{TRounding}"/> turns its 64-bit products into int8, chosen once per channel
    /// or plane by the caller as a type argument (<see cref="RoundingFor"/>), so the JIT compiles each loop with its own
    /// steps and no branch in it. Each makes its constants (<see cref="Constants"/>) and reads them in
    /// <see cref="Finish"/>; what the five vectors hold is its own business.</summary>
    internal interface IRounding
    {
        static abstract (Vector512<long> Half, Vector512<long> Shift, Vector512<int> ZeroPoint, Vector512<int> Lo, Vector512<int> Hi) Constants(
            FixedPointMultiplier scale, int zeroPoint, int min, int max);

        /// <summary>Sixteen int8 from the products of the even and the odd int32 lanes (64 bits each).</summary>
        static abstract Vector128<sbyte> Finish(Vector512<long> even, Vector512<long> odd, Vector512<long> half, Vector512<long> shift,
            Vector512<int> zeroPoint, Vector512<int> lo, Vector512<int> hi);
    }

    /// <summary>Which <see cref="IRounding"/> gives the definition's bytes fastest for a scale below one.</summary>
    internal enum Rounding { HalfAwayFromZero, HalfUp, HalfUpFolded }

    /// <summary><see cref="Rounding.HalfUpFolded"/> where the clamp starts at or above the zero point and
    /// <c>31 + shift &gt;= 33</c> (see <see cref="HalfUpFolded"/>), <see cref="Rounding.HalfUp"/> where only the clamp
    /// allows it, else <see cref="Rounding.HalfAwayFromZero"/>.</summary>
    internal static Rounding RoundingFor(int shift, int zeroPoint, int min) =>
        !ClampsAtZero(zeroPoint, min) ? Rounding.HalfAwayFromZero : shift >= 2 ? Rounding.HalfUpFolded : Rounding.HalfUp;

    /// <summary>Halves away from zero, the definition (<see cref="RoundingShift.HalfAwayFromZero"/>): for p &gt;= 0,
    /// (p + h) &gt;&gt; s; for p &lt; 0 the same value negated is floor((p + h - 1) / 2^s), the -1 being p's sign
    /// (p &gt;&gt; 63). No sum overflows: |p| &lt; 2^62, h &lt;= 2^61. Then the clamp to [min - zero point, max - zero point]
    /// and the zero point, in int32.</summary>
    internal readonly struct HalfAwayFromZero : IRounding
    {
        public static (Vector512<long> Half, Vector512<long> Shift, Vector512<int> ZeroPoint, Vector512<int> Lo, Vector512<int> Hi) Constants(
            FixedPointMultiplier scale, int zeroPoint, int min, int max) => BelowOneConstants(scale, zeroPoint, min, max);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<sbyte> Finish(Vector512<long> even, Vector512<long> odd, Vector512<long> half, Vector512<long> shift,
            Vector512<int> zeroPoint, Vector512<int> lo, Vector512<int> hi) =>
            ClampAndNarrow(Avx512F.ShiftRightArithmeticVariable(even + half + Avx512F.ShiftRightArithmetic(even, 63), shift.AsUInt64()),
                Avx512F.ShiftRightArithmeticVariable(odd + half + Avx512F.ShiftRightArithmetic(odd, 63), shift.AsUInt64()), zeroPoint, lo, hi);
    }

    /// <summary>Halves up, (p + h) &gt;&gt; s: the same as <see cref="HalfAwayFromZero"/> for p &gt;= 0, and for p &lt; 0
    /// still at most 0 (p + h &lt; 2^(s-1)). So where the clamp's lower bound is at or above the zero point (a fused Relu,
    /// <see cref="ClampsAtZero"/>), every product below zero ends at that bound either way and the bytes are the
    /// definition's, with one shift and one add fewer per eight lanes.</summary>
    internal readonly struct HalfUp : IRounding
    {
        public static (Vector512<long> Half, Vector512<long> Shift, Vector512<int> ZeroPoint, Vector512<int> Lo, Vector512<int> Hi) Constants(
            FixedPointMultiplier scale, int zeroPoint, int min, int max) => BelowOneConstants(scale, zeroPoint, min, max);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<sbyte> Finish(Vector512<long> even, Vector512<long> odd, Vector512<long> half, Vector512<long> shift,
            Vector512<int> zeroPoint, Vector512<int> lo, Vector512<int> hi) =>
            ClampAndNarrow(Avx512F.ShiftRightArithmeticVariable(even + half, shift.AsUInt64()),
                Avx512F.ShiftRightArithmeticVariable(odd + half, shift.AsUInt64()), zeroPoint, lo, hi);
    }

    /// <summary><see cref="HalfUp"/> with the half and the zero point folded into one int32 add:
    /// floor((p + 2^(s-1)) / 2^s) = floor((q + 1) / 2) with q = floor(p / 2^(s-1)), so the 64-bit products are only
    /// shifted by s - 1, and in int32 after the lanes are put back together t = (q + 1 + 2 · zero point) &gt;&gt; 1 is the
    /// result plus the zero point, clamped to [min, max] directly. One add per eight lanes and the zero point's add fewer
    /// than <see cref="HalfUp"/>. Needs s &gt;= 33 (a shift of 2 or more), so that |q| &lt; 2^30 and the int32 add cannot
    /// overflow.</summary>
    internal readonly struct HalfUpFolded : IRounding
    {
        public static (Vector512<long> Half, Vector512<long> Shift, Vector512<int> ZeroPoint, Vector512<int> Lo, Vector512<int> Hi) Constants(
            FixedPointMultiplier scale, int zeroPoint, int min, int max) =>
            (default, Vector512.Create((long)(30 + scale.Shift)), Vector512.Create(1 + 2 * zeroPoint), Vector512.Create(min), Vector512.Create(max));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<sbyte> Finish(Vector512<long> even, Vector512<long> odd, Vector512<long> half, Vector512<long> shift,
            Vector512<int> zeroPoint, Vector512<int> lo, Vector512<int> hi)
        {
            var q = Interleave(Avx512F.ShiftRightArithmeticVariable(even, shift.AsUInt64()), Avx512F.ShiftRightArithmeticVariable(odd, shift.AsUInt64()));
            return Avx512F.ConvertToVector128SByte(Vector512.Min(Vector512.Max(Vector512.ShiftRightArithmetic(q + zeroPoint, 1), lo), hi));
        }
    }

    /// <summary>The constants of <see cref="HalfAwayFromZero"/> and <see cref="HalfUp"/>: 2^(s-1), s = 31 + shift, the
    /// zero point, and the clamp less the zero point.</summary>
    private static (Vector512<long> Half, Vector512<long> Shift, Vector512<int> ZeroPoint, Vector512<int> Lo, Vector512<int> Hi) BelowOneConstants(
        FixedPointMultiplier scale, int zeroPoint, int min, int max) =>
        (Vector512.Create(1L << (30 + scale.Shift)), Vector512.Create((long)(31 + scale.Shift)), Vector512.Create(zeroPoint),
            Vector512.Create(min - zeroPoint), Vector512.Create(max - zeroPoint));

    /// <summary>The low 32 bits of the even and odd lanes' 64-bit results back in lane order (vpermt2d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Interleave(Vector512<long> even, Vector512<long> odd) =>
        Avx512F.PermuteVar16x32x2(even.AsInt32(), Vector512.Create(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30), odd.AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> ClampAndNarrow(Vector512<long> even, Vector512<long> odd, Vector512<int> zeroPoint, Vector512<int> lo, Vector512<int> hi) =>
        Avx512F.ConvertToVector128SByte(Vector512.Min(Vector512.Max(Interleave(even, odd), lo), hi) + zeroPoint);

    /// <summary>True when the clamp [<paramref name="min"/>, max] leaves nothing below the zero point, so
    /// <see cref="HalfUp"/> gives the definition's bytes.</summary>
    internal static bool ClampsAtZero(int zeroPoint, int min) => min >= zeroPoint;
}
