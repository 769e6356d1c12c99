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
    public static Vector128<float> Sigmoid(Vector128<float> x) => Vector128<float>.One / (Vector128.Create(2f) + ExpM1Fused(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256.Create(2f) + ExpM1Fused(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512.Create(2f) + ExpM1Fused(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        var m = ExpM1Fused(Vector128.Abs(x) * -2f);
        return Vector128.CopySign(-m / (m + Vector128.Create(2f)), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var m = ExpM1Fused(Vector256.Abs(x) * -2f);
        return Vector256.CopySign(-m / (m + Vector256.Create(2f)), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var m = ExpM1Fused(Vector512.Abs(x) * -2f);
        return Vector512.CopySign(-m / (m + Vector512.Create(2f)), x);
    }

    private const float Limit = 30f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693145751953125f;
    private const float Ln2Lo = 1.42860682030941723212e-6f;
    private const float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040, C8 = 1f / 40320;

    /// <summary><see cref="ExpM1"/>'s algorithm with every step a fused multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpM1Fused(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(-Limit)), Vector128.Create(Limit));
        var n = Vector128.Round(x * Log2E);
        var r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Lo), Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Hi), x));
        var p = Vector128.FusedMultiplyAdd(Vector128.Create(C8), r, Vector128.Create(C7));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C6));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C5));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(C2));
        p = Vector128.FusedMultiplyAdd(p * r, r, r);
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
        return Vector128.FusedMultiplyAdd(scale, p, scale - Vector128<float>.One);
    }

    /// <summary><see cref="ExpM1"/>'s algorithm with every step a fused multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpM1Fused(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-Limit)), Vector256.Create(Limit));
        var n = Vector256.Round(x * Log2E);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x));
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(C8), r, Vector256.Create(C7));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p * r, r, r);
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.FusedMultiplyAdd(scale, p, scale - Vector256<float>.One);
    }

    /// <summary><see cref="ExpM1"/>'s algorithm with every step a fused multiply-add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpM1Fused(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-Limit)), Vector512.Create(Limit));
        var n = Vector512.Round(x * Log2E);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x));
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(C8), r, Vector512.Create(C7));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C2));
        p = Vector512.FusedMultiplyAdd(p * r, r, r);
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return Vector512.FusedMultiplyAdd(scale, p, scale - Vector512<float>.One);
    }
}
