using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The default gate functions, sigmoid and tanh, on one vector, so a fused gate loop can apply them
/// in registers instead of calling TensorPrimitives once per gate block and step.</summary>
/// <remarks>
/// Both from <see cref="ExpM1"/>'s float polynomial (about half the cost of the runtime's vector Exp, which
/// widens to double), here with fused multiply-adds, which ExpM1 leaves out to match its scalar form op for op. sigmoid(x) = 1 / (2 + m) with m = e^−x − 1: exactly 1 for large x; for x below −30 (where
/// ExpM1 clamps) it gives sigmoid(−30) ≈ 9e-14 instead of something smaller, far under any tolerance.
/// tanh(|x|) = −m / (m + 2) with m = e^(−2|x|) − 1 from <see cref="ExpM1"/>, then the sign of x: the form
/// TensorPrimitives.Tanh uses, accurate near 0 where 1 − 2/(e^2x + 1) would cancel; ExpM1 clamps at −30, where
/// m is −1 and the result exactly 1.
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sigmoid<TVec, TOps>(TVec x) where TVec : struct where TOps : IFloatVector<TVec>
        => TOps.Divide(TOps.One, TOps.Add(TOps.Create(2f), ExpM1Fused<TVec, TOps>(TOps.Negate(x))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh<TVec, TOps>(TVec x) where TVec : struct where TOps : IFloatVector<TVec>
    {
        var m = ExpM1Fused<TVec, TOps>(TOps.Multiply(TOps.Abs(x), -2f));
        return TOps.CopySign(TOps.Divide(TOps.Negate(m), TOps.Add(m, TOps.Create(2f))), x);
    }

    private const float Limit = 30f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693145751953125f;
    private const float Ln2Lo = 1.42860682030941723212e-6f;
    private const float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    /// <summary><see cref="ExpM1"/>'s algorithm with every step a fused multiply-add, and the Taylor polynomial one
    /// degree shorter (to r⁷/7!): on the reduced range |r| ≤ ln2/2 the dropped r⁸/8! is below 6e-9, far under float
    /// rounding (swept over ±40 against double precision: sigmoid within 1.76e-7 relative above the −30 clamp and
    /// tanh within 1.72e-7, against 1.76e-7 and 1.70e-7 with the r⁸ term), and it takes one FMA off the latency of
    /// each gate, which sits on the chain that bounds a recurrent step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ExpM1Fused<TVec, TOps>(TVec x) where TVec : struct where TOps : IFloatVector<TVec>
    {
        x = TOps.ClampConstant(x, -Limit, Limit);
        var n = TOps.Round(TOps.Multiply(x, Log2E));
        var r = TOps.FusedMultiplyAdd(n, TOps.Create(-Ln2Lo), TOps.FusedMultiplyAdd(n, TOps.Create(-Ln2Hi), x));
        var p = TOps.FusedMultiplyAdd(TOps.Create(C7), r, TOps.Create(C6));
        p = TOps.FusedMultiplyAdd(p, r, TOps.Create(C5));
        p = TOps.FusedMultiplyAdd(p, r, TOps.Create(C4));
        p = TOps.FusedMultiplyAdd(p, r, TOps.Create(C3));
        p = TOps.FusedMultiplyAdd(p, r, TOps.Create(C2));
        p = TOps.FusedMultiplyAdd(TOps.Multiply(p, r), r, r);
        var scale = TOps.Pow2(n);
        return TOps.FusedMultiplyAdd(scale, p, TOps.Subtract(scale, TOps.One));
    }
}
