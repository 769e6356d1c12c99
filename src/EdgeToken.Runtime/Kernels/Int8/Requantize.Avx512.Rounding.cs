using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Requantize
{
    /// <summary>The rounding shift of <see cref="SixteenBelowOne{TRounding}"/>'s 64-bit products, chosen once per
    /// channel or plane by the caller as a type argument, so the JIT compiles each loop with its own rounding and no
    /// branch in it.</summary>
    internal interface IRounding
    {
        /// <summary>round(product / 2^shift) in every 64-bit lane; <paramref name="half"/> = 2^(shift - 1).</summary>
        static abstract Vector512<long> Shift(Vector512<long> product, Vector512<long> half, Vector512<long> shift);
    }

    /// <summary>Halves away from zero, the definition (<see cref="RoundingShift.HalfAwayFromZero"/>): for p &gt;= 0,
    /// (p + h) &gt;&gt; s; for p &lt; 0 the same value negated is floor((p + h - 1) / 2^s), the -1 being p's sign
    /// (p &gt;&gt; 63). No sum overflows: |p| &lt; 2^62, h &lt;= 2^61.</summary>
    internal readonly struct HalfAwayFromZero : IRounding
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<long> Shift(Vector512<long> product, Vector512<long> half, Vector512<long> shift) =>
            Avx512F.ShiftRightArithmeticVariable(product + half + Avx512F.ShiftRightArithmetic(product, 63), shift.AsUInt64());
    }

    /// <summary>Halves up, (p + h) &gt;&gt; s: the same as <see cref="HalfAwayFromZero"/> for p &gt;= 0, and for p &lt; 0
    /// still at most 0 (p + h &lt; 2^(s-1)). So where the clamp's lower bound is at or above the zero point (a fused Relu,
    /// <see cref="ClampsAtZero"/>), every product below zero ends at that bound either way and the bytes are the
    /// definition's, with one shift and one add fewer per eight lanes.</summary>
    internal readonly struct HalfUp : IRounding
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<long> Shift(Vector512<long> product, Vector512<long> half, Vector512<long> shift) =>
            Avx512F.ShiftRightArithmeticVariable(product + half, shift.AsUInt64());
    }

    /// <summary>True when the clamp [<paramref name="min"/>, max] leaves nothing below the zero point, so
    /// <see cref="HalfUp"/> gives the definition's bytes.</summary>
    internal static bool ClampsAtZero(int zeroPoint, int min) => min >= zeroPoint;
}
