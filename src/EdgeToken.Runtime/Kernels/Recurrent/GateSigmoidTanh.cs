using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The default gate functions, sigmoid and tanh, on one vector, so a fused gate loop can apply them
/// in registers instead of calling TensorPrimitives once per gate block and step.</summary>
/// <remarks>
/// sigmoid(x) = 1 / (1 + e^−x) with the runtime's vector Exp (e^−x overflowing to +inf gives exactly 0).
/// tanh(|x|) = −m / (m + 2) with m = e^(−2|x|) − 1 from <see cref="ExpM1"/>, then the sign of x: the form
/// TensorPrimitives.Tanh uses, accurate near 0 where 1 − 2/(e^2x + 1) would cancel; ExpM1 clamps at −30, where
/// m is −1 and the result exactly 1.
/// </remarks>
internal static class GateSigmoidTanh
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public static float Tanh(float x) => MathF.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

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
}
