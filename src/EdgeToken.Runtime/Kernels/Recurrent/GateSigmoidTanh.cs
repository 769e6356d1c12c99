using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The default gate functions, sigmoid and tanh, on one vector, so a fused gate loop can apply them
/// in registers instead of calling TensorPrimitives once per gate block and step.</summary>
/// <remarks>
/// Both from <see cref="ExpM1"/>, whose float polynomial costs about half the runtime's vector Exp (which
/// widens to double). sigmoid(x) = 1 / (2 + m) with m = e^−x − 1: exactly 1 for large x; for x below −30 (where
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
    public static Vector128<float> Sigmoid(Vector128<float> x) => Vector128<float>.One / (Vector128.Create(2f) + ExpM1.Invoke(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256.Create(2f) + ExpM1.Invoke(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512.Create(2f) + ExpM1.Invoke(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        var m = ExpM1.Invoke(Vector128.Abs(x) * -2f);
        return Vector128.CopySign(-m / (m + Vector128.Create(2f)), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var m = ExpM1.Invoke(Vector256.Abs(x) * -2f);
        return Vector256.CopySign(-m / (m + Vector256.Create(2f)), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var m = ExpM1.Invoke(Vector512.Abs(x) * -2f);
        return Vector512.CopySign(-m / (m + Vector512.Create(2f)), x);
    }
}
