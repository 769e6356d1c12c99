using System.Numerics;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The vector form of the 64-bit fixed-point rescaling that <see cref="Int8Add"/>, <see cref="Int8Mul"/> and
/// <see cref="Int8Concat"/> define per element (their <c>One</c> is the scalar reference): codes widened to 64-bit lanes,
/// the same products, <see cref="RoundingShift.HalfAwayFromZero"/> without a branch, the zero point, the clamp, and
/// back to bytes. <see cref="Vector{T}"/> is 256 bits on x64 (AVX2; AVX-512 DQ/VL multiplies the 64-bit lanes in one
/// instruction) and 128 on ARM64 (AdvSimd), so one loop serves both.</summary>
public static class Int8Rescale
{
    /// <summary>Codes one step takes: <see cref="Vector{T}"/> of bytes, in eight vectors of 64-bit lanes.</summary>
    public static int Step => Vector<sbyte>.Count;

    /// <summary>Whether the vector loops run; otherwise every element takes the scalar reference.</summary>
    public static bool IsAccelerated => Vector.IsHardwareAccelerated;

    /// <summary>The eight 64-bit vectors of <see cref="Step"/> codes, minus <paramref name="zero"/>.</summary>
    public static void Widen(ReadOnlySpan<sbyte> codes, long zero, Span<Vector<long>> lanes)
    {
        var x = new Vector<sbyte>(codes);
        Vector.Widen(x, out var s0, out var s1);
        Vector.Widen(s0, out var i0, out var i1);
        Vector.Widen(s1, out var i2, out var i3);
        var z = new Vector<long>(zero);
        Vector.Widen(i0, out var l0, out var l1);
        Vector.Widen(i1, out var l2, out var l3);
        Vector.Widen(i2, out var l4, out var l5);
        Vector.Widen(i3, out var l6, out var l7);
        (lanes[0], lanes[1], lanes[2], lanes[3]) = (l0 - z, l1 - z, l2 - z, l3 - z);
        (lanes[4], lanes[5], lanes[6], lanes[7]) = (l4 - z, l5 - z, l6 - z, l7 - z);
    }

    /// <summary>round(v / 2^<paramref name="shift"/>) halves away from zero, plus <paramref name="zero"/>, clamped to
    /// [<paramref name="min"/>, <paramref name="max"/>], stored as <see cref="Step"/> codes.</summary>
    public static void Finish(ReadOnlySpan<Vector<long>> v, int shift, long zero, long min, long max, Span<sbyte> codes)
    {
        var z = new Vector<long>(zero);
        var lo = new Vector<long>(min);
        var hi = new Vector<long>(max);
        var y = Vector.Narrow(
            Vector.Narrow(Vector.Narrow(Round(v[0], shift, z, lo, hi), Round(v[1], shift, z, lo, hi)), Vector.Narrow(Round(v[2], shift, z, lo, hi), Round(v[3], shift, z, lo, hi))),
            Vector.Narrow(Vector.Narrow(Round(v[4], shift, z, lo, hi), Round(v[5], shift, z, lo, hi)), Vector.Narrow(Round(v[6], shift, z, lo, hi), Round(v[7], shift, z, lo, hi))));
        y.CopyTo(codes);
    }

    private static Vector<long> Round(Vector<long> v, int shift, Vector<long> zero, Vector<long> min, Vector<long> max)
    {
        var sign = Vector.ShiftRightArithmetic(v, 63);
        var magnitude = (v ^ sign) - sign;
        var rounded = Vector.ShiftRightLogical(magnitude, shift) + (Vector.ShiftRightLogical(magnitude, shift - 1) & Vector<long>.One);
        return Vector.Min(Vector.Max(((rounded ^ sign) - sign) + zero, min), max);
    }
}
