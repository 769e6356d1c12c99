using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The default gate functions, sigmoid and tanh, on one vector, so a fused gate loop can apply them
/// in registers instead of calling TensorPrimitives once per gate block and step.</summary>
/// <remarks>
/// Both from one exponential (<see cref="ExpParts"/>: e^x = s·(1 + p), the reduction and polynomial of
/// <see cref="ExpM1"/>, about half the cost of the runtime's vector Exp, which widens to double), with fused multiply-adds.
/// sigmoid(x) = 1 / (s·p + s + 1) for e^−x: exactly 1 for large x; for x below −30 (the clamp) it gives sigmoid(−30) ≈ 9e-14
/// instead of something smaller, far under any tolerance. tanh(|x|) = −m / (m + 2) with m = e^(−2|x|) − 1, then the
/// sign of x: the form TensorPrimitives.Tanh uses, accurate near 0 where 1 − 2/(e^2x + 1) would cancel; at the clamp
/// m is −1 and the result exactly 1. Measured on the 32-step, hidden-32 benchmark GRU cell (Zen 4, alternating runs):
/// Estrin's polynomial, the shifter in place of round + convert and the one-FMA denominators took it from 5.26–5.49 to
/// 5.08–5.15 µs; with both gate functions replaced by a clamp (a bound, not a result) it ran 3.6 against 4.9 µs.
/// </remarks>
internal static class GateSigmoidTanh
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public static float Tanh(float x) => MathF.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Sigmoid<Vector128<float>, F128>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Sigmoid<Vector256<float>, F256>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Sigmoid<Vector512<float>, F512>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => Tanh<Vector128<float>, F128>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => Tanh<Vector256<float>, F256>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Tanh<Vector512<float>, F512>(x);

    /// <summary>min(max(a, lo), hi) for a gate's clip attribute, left out when there is none (<paramref name="clipped"/> false:
    /// ±inf bounds change nothing). .NET's vector Min and Max are IEEE 754:2019's minimum and maximum, several instructions
    /// each, and they sat on the chain that bounds a recurrent step: leaving them out took the hidden-32 benchmark GRU cell
    /// from 5.10–5.23 to 4.65–4.82 µs (Zen 4, alternating runs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Clip<TVec, TOps>(TVec a, TVec lo, TVec hi, bool clipped) where TVec : struct where TOps : IFloatVector<TVec>
        => clipped ? TOps.Min(TOps.Max(a, lo), hi) : a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clip(Vector256<float> a, Vector256<float> lo, Vector256<float> hi, bool clipped) => Clip<Vector256<float>, F256>(a, lo, hi, clipped);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clip(Vector512<float> a, Vector512<float> lo, Vector512<float> hi, bool clipped) => Clip<Vector512<float>, F512>(a, lo, hi, clipped);

    /// <summary>1 / (1 + e^−x), with e^−x = s·(1 + p) from <see cref="ExpParts"/>: the denominator is one FMA, s·p + (s + 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sigmoid<TVec, TOps>(TVec x) where TVec : struct where TOps : IFloatVector<TVec>
    {
        var p = ExpParts<TVec, TOps>(TOps.Negate(x), out var s);
        return TOps.Divide(TOps.One, TOps.FusedMultiplyAdd(s, p, TOps.Add(s, TOps.One)));
    }

    /// <summary>sign(x)·(−m / (m + 2)) with m = e^(−2|x|) − 1 = s·p + (s − 1); m and m + 2 are two independent FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh<TVec, TOps>(TVec x) where TVec : struct where TOps : IFloatVector<TVec>
    {
        var p = ExpParts<TVec, TOps>(TOps.Multiply(TOps.Abs(x), -2f), out var s);
        var minusM = TOps.FusedMultiplyAdd(TOps.Negate(s), p, TOps.Subtract(TOps.One, s));
        return TOps.CopySign(TOps.Divide(minusM, TOps.FusedMultiplyAdd(s, p, TOps.Add(s, TOps.One))), x);
    }

    private const float Limit = 30f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693145751953125f;
    private const float Ln2Lo = 1.42860682030941723212e-6f;
    /// <summary>1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer (to nearest even) and leaves
    /// that integer in the low mantissa bits.</summary>
    private const float Shifter = 12582912f;
    private const float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    /// <summary>e^x = s·(1 + p): x clamped to ±30, x = n·ln2 + r with n integral (|r| ≤ ln2/2 up to one rounding),
    /// s = 2^n and p = e^r − 1 from its Taylor polynomial to r⁷/7!. On the reduced range the dropped r⁸/8! is below
    /// 6e-9, far under float rounding. Every step is a fused multiply-add, n and 2^n come from one shifter add (no
    /// round or convert instruction), and the polynomial is evaluated in Estrin's scheme, three FMAs deep after r²
    /// where Horner's takes six: the gate functions sit on the chain that bounds a recurrent step. Swept over ±40
    /// against double precision (<c>GateSigmoidTanhTests</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ExpParts<TVec, TOps>(TVec x, out TVec s) where TVec : struct where TOps : IFloatVector<TVec>
    {
        x = TOps.ClampConstant(x, -Limit, Limit);
        var t = TOps.FusedMultiplyAdd(x, TOps.Create(Log2E), TOps.Create(Shifter));
        var n = TOps.Subtract(t, TOps.Create(Shifter));
        s = TOps.Pow2OfShifted(t);
        var r = TOps.FusedMultiplyAdd(n, TOps.Create(-Ln2Lo), TOps.FusedMultiplyAdd(n, TOps.Create(-Ln2Hi), x));
        var r2 = TOps.Multiply(r, r);
        var low = TOps.FusedMultiplyAdd(TOps.Create(C3), r, TOps.Create(C2));
        var mid = TOps.FusedMultiplyAdd(TOps.Create(C5), r, TOps.Create(C4));
        var high = TOps.FusedMultiplyAdd(TOps.Create(C7), r, TOps.Create(C6));
        var q = TOps.FusedMultiplyAdd(TOps.FusedMultiplyAdd(high, r2, mid), r2, low);
        return TOps.FusedMultiplyAdd(q, r2, r);
    }
}
