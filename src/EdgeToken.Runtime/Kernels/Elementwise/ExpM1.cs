using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>eˣ − 1 for |x| ≤ 30, float32, with full relative precision near 0 (Elu and Selu need it there).</summary>
/// <remarks>
/// System.Runtime.Intrinsics' vector Exp is off by an ulp even at 0 (it returns 1.0000001), so eˣ − 1
/// from it is 1.2e-7 where it should be 0 and has the wrong sign for tiny negative x. Instead: x = n·ln2 + r
/// with |r| ≤ ln2/2 (ln2 split in two so n·ln2 is exact), eʳ − 1 by its Taylor series to r⁸ (truncation
/// below 2e-10), and eˣ − 1 = 2ⁿ·(eʳ − 1) + (2ⁿ − 1), which is the series itself when n = 0.
/// Inputs are clamped to ±30: below, e^−30 is far under half an ulp of 1, so the result is −1 either way;
/// above, callers (Gelu's tanh form) only divide by the result, where e^30 already means "infinitely large".
/// The clamp keeps 2ⁿ a normal float, so the exponent can be built from bits.
/// </remarks>
internal static class ExpM1
{
    private const float Limit = 30f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693145751953125f; // ln 2 to 16 bits: n·Ln2Hi is exact for |n| < 2^8
    private const float Ln2Lo = 1.42860682030941723212e-6f;
    private const float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040, C8 = 1f / 40320;

    /// <summary>The same operations as the vector forms, in the same order.</summary>
    public static float Invoke(float x)
    {
        x = Math.Min(Math.Max(x, -Limit), Limit);
        float n = MathF.Round(x * Log2E);
        float r = x - n * Ln2Hi - n * Ln2Lo;
        float p = C8;
        p = p * r + C7;
        p = p * r + C6;
        p = p * r + C5;
        p = p * r + C4;
        p = p * r + C3;
        p = p * r + C2;
        p = (p * r) * r + r;
        float scale = BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
        return scale * p + (scale - 1f);
    }

    public static Vector128<float> Invoke(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(-Limit)), Vector128.Create(Limit));
        var n = Vector128.Round(x * Log2E);
        var r = x - n * Ln2Hi - n * Ln2Lo;
        var p = Vector128.Create(C8);
        p = p * r + Vector128.Create(C7);
        p = p * r + Vector128.Create(C6);
        p = p * r + Vector128.Create(C5);
        p = p * r + Vector128.Create(C4);
        p = p * r + Vector128.Create(C3);
        p = p * r + Vector128.Create(C2);
        p = (p * r) * r + r;
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
        return scale * p + (scale - Vector128<float>.One);
    }

    public static Vector256<float> Invoke(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-Limit)), Vector256.Create(Limit));
        var n = Vector256.Round(x * Log2E);
        var r = x - n * Ln2Hi - n * Ln2Lo;
        var p = Vector256.Create(C8);
        p = p * r + Vector256.Create(C7);
        p = p * r + Vector256.Create(C6);
        p = p * r + Vector256.Create(C5);
        p = p * r + Vector256.Create(C4);
        p = p * r + Vector256.Create(C3);
        p = p * r + Vector256.Create(C2);
        p = (p * r) * r + r;
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return scale * p + (scale - Vector256<float>.One);
    }

    public static Vector512<float> Invoke(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-Limit)), Vector512.Create(Limit));
        var n = Vector512.Round(x * Log2E);
        var r = x - n * Ln2Hi - n * Ln2Lo;
        var p = Vector512.Create(C8);
        p = p * r + Vector512.Create(C7);
        p = p * r + Vector512.Create(C6);
        p = p * r + Vector512.Create(C5);
        p = p * r + Vector512.Create(C4);
        p = p * r + Vector512.Create(C3);
        p = p * r + Vector512.Create(C2);
        p = (p * r) * r + r;
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return scale * p + (scale - Vector512<float>.One);
    }
}
