using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Erf, the error function, float32, within 1e-7 of the exact value (checked against a double
/// series in the tests). Vectorised: both polynomial pieces are evaluated and the right one selected.</summary>
/// <remarks>
/// Two Chebyshev-fitted polynomials (fitted for EdgeToken with mpmath's chebyfit against mpmath.erf):
/// <list type="bullet">
/// <item>|x| ≤ 1: erf(x) = x·P(x²), P of degree 6, fit error 1.3e-9 (erf is odd and erf(x)/x is smooth in x²).</item>
/// <item>1 &lt; |x| &lt; 4: erf(|x|) = Q(|x| − 2.5), Q of degree 14, fit error 1.1e-8.</item>
/// <item>|x| ≥ 4: ±1; 1 − erf(4) = 1.5e-8 is below half a float ulp of 1.</item>
/// </list>
/// Float rounding in the evaluation adds a few 1e-8. The short Abramowitz–Stegun formulas (7.1.26: 1.5e-7 at
/// best, in double) are not accurate enough once evaluated in float.
/// </remarks>
public static class Erf
{
    /// <summary>The reference every vector path is tested against: the same polynomials, one element at a time.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        var op = default(ErfOp);
        for (int i = 0; i < x.Length; i++) y[i] = op.Invoke(x[i]);
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y) => UnaryDriver.Run(x, y, default(ErfOp));
}

internal readonly struct ErfOp : IUnaryOp<float>
{
    // P(t), |x| <= 1, t = x², highest degree last: S0 + S1·t + ...
    private const float S0 = 1.128379166f, S1 = -0.3761262667f, S2 = 0.1128359472f, S3 = -0.02685421201f,
        S4 = 0.005189087423f, S5 = -0.0008016864287f, S6 = 0.00007875875063f;

    // Q(u), 1 < |x| < 4, u = |x| - 2.5.
    private const float L0 = 0.999593048f, L1 = 0.002178180237f, L2 = -0.005445702404f, L3 = 0.008351824079f,
        L4 = -0.008622514286f, L5 = 0.006108916376f, L6 = -0.00279777894f, L7 = 0.0005606543764f,
        L8 = 0.000258999119f, L9 = -0.0002708359885f, L10 = 8.093341967e-5f, L11 = 1.783762571e-5f,
        L12 = -1.566748478e-5f, L13 = 4.879900533e-7f, L14 = 8.837966382e-7f;

    private const float Centre = 2.5f;
    private const float Saturation = 4f;

    public static bool Vectorizable => true;

    /// <summary>The same operations as the vector forms, in the same order, so tails match lanes.</summary>
    public float Invoke(float x)
    {
        if (float.IsNaN(x)) return x;
        float ax = MathF.Abs(x);
        if (ax <= 1f)
        {
            float t = x * x;
            float p = S6;
            p = p * t + S5;
            p = p * t + S4;
            p = p * t + S3;
            p = p * t + S2;
            p = p * t + S1;
            return (p * t + S0) * x;
        }
        if (ax >= Saturation) return MathF.CopySign(1f, x);
        float u = ax - Centre;
        float q = L14;
        q = q * u + L13;
        q = q * u + L12;
        q = q * u + L11;
        q = q * u + L10;
        q = q * u + L9;
        q = q * u + L8;
        q = q * u + L7;
        q = q * u + L6;
        q = q * u + L5;
        q = q * u + L4;
        q = q * u + L3;
        q = q * u + L2;
        q = q * u + L1;
        q = q * u + L0;
        return MathF.CopySign(q, x);
    }

    public Vector128<float> Invoke(Vector128<float> x)
    {
        var ax = Vector128.Abs(x);
        var t = x * x;
        var p1 = Vector128.Create(S6);
        p1 = p1 * t + Vector128.Create(S5);
        p1 = p1 * t + Vector128.Create(S4);
        p1 = p1 * t + Vector128.Create(S3);
        p1 = p1 * t + Vector128.Create(S2);
        p1 = p1 * t + Vector128.Create(S1);
        p1 = (p1 * t + Vector128.Create(S0)) * x;

        var u = Vector128.Min(ax, Vector128.Create(Saturation)) - Vector128.Create(Centre);
        var p2 = Vector128.Create(L14);
        p2 = p2 * u + Vector128.Create(L13);
        p2 = p2 * u + Vector128.Create(L12);
        p2 = p2 * u + Vector128.Create(L11);
        p2 = p2 * u + Vector128.Create(L10);
        p2 = p2 * u + Vector128.Create(L9);
        p2 = p2 * u + Vector128.Create(L8);
        p2 = p2 * u + Vector128.Create(L7);
        p2 = p2 * u + Vector128.Create(L6);
        p2 = p2 * u + Vector128.Create(L5);
        p2 = p2 * u + Vector128.Create(L4);
        p2 = p2 * u + Vector128.Create(L3);
        p2 = p2 * u + Vector128.Create(L2);
        p2 = p2 * u + Vector128.Create(L1);
        p2 = p2 * u + Vector128.Create(L0);
        p2 = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(ax, Vector128.Create(Saturation)), Vector128<float>.One, p2);
        p2 = Vector128.ConditionalSelect(Vector128.Create(-0f), x, p2); // sign of x, magnitude of p2

        var y = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(ax, Vector128<float>.One), p1, p2);
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), y, x); // NaN stays NaN
    }

    public Vector256<float> Invoke(Vector256<float> x)
    {
        var ax = Vector256.Abs(x);
        var t = x * x;
        var p1 = Vector256.Create(S6);
        p1 = p1 * t + Vector256.Create(S5);
        p1 = p1 * t + Vector256.Create(S4);
        p1 = p1 * t + Vector256.Create(S3);
        p1 = p1 * t + Vector256.Create(S2);
        p1 = p1 * t + Vector256.Create(S1);
        p1 = (p1 * t + Vector256.Create(S0)) * x;

        var u = Vector256.Min(ax, Vector256.Create(Saturation)) - Vector256.Create(Centre);
        var p2 = Vector256.Create(L14);
        p2 = p2 * u + Vector256.Create(L13);
        p2 = p2 * u + Vector256.Create(L12);
        p2 = p2 * u + Vector256.Create(L11);
        p2 = p2 * u + Vector256.Create(L10);
        p2 = p2 * u + Vector256.Create(L9);
        p2 = p2 * u + Vector256.Create(L8);
        p2 = p2 * u + Vector256.Create(L7);
        p2 = p2 * u + Vector256.Create(L6);
        p2 = p2 * u + Vector256.Create(L5);
        p2 = p2 * u + Vector256.Create(L4);
        p2 = p2 * u + Vector256.Create(L3);
        p2 = p2 * u + Vector256.Create(L2);
        p2 = p2 * u + Vector256.Create(L1);
        p2 = p2 * u + Vector256.Create(L0);
        p2 = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(ax, Vector256.Create(Saturation)), Vector256<float>.One, p2);
        p2 = Vector256.ConditionalSelect(Vector256.Create(-0f), x, p2); // sign of x, magnitude of p2

        var y = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(ax, Vector256<float>.One), p1, p2);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x); // NaN stays NaN
    }

    public Vector512<float> Invoke(Vector512<float> x)
    {
        var ax = Vector512.Abs(x);
        var t = x * x;
        var p1 = Vector512.Create(S6);
        p1 = p1 * t + Vector512.Create(S5);
        p1 = p1 * t + Vector512.Create(S4);
        p1 = p1 * t + Vector512.Create(S3);
        p1 = p1 * t + Vector512.Create(S2);
        p1 = p1 * t + Vector512.Create(S1);
        p1 = (p1 * t + Vector512.Create(S0)) * x;

        var u = Vector512.Min(ax, Vector512.Create(Saturation)) - Vector512.Create(Centre);
        var p2 = Vector512.Create(L14);
        p2 = p2 * u + Vector512.Create(L13);
        p2 = p2 * u + Vector512.Create(L12);
        p2 = p2 * u + Vector512.Create(L11);
        p2 = p2 * u + Vector512.Create(L10);
        p2 = p2 * u + Vector512.Create(L9);
        p2 = p2 * u + Vector512.Create(L8);
        p2 = p2 * u + Vector512.Create(L7);
        p2 = p2 * u + Vector512.Create(L6);
        p2 = p2 * u + Vector512.Create(L5);
        p2 = p2 * u + Vector512.Create(L4);
        p2 = p2 * u + Vector512.Create(L3);
        p2 = p2 * u + Vector512.Create(L2);
        p2 = p2 * u + Vector512.Create(L1);
        p2 = p2 * u + Vector512.Create(L0);
        p2 = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(ax, Vector512.Create(Saturation)), Vector512<float>.One, p2);
        p2 = Vector512.ConditionalSelect(Vector512.Create(-0f), x, p2); // sign of x, magnitude of p2

        var y = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(ax, Vector512<float>.One), p1, p2);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x); // NaN stays NaN
    }
}

internal sealed class ErfOperator : UnaryFloatOperator
{
    public override string OpType => "Erf";
    public override Kernel CreateKernel(NodeContext node) => new UnaryKernel<float, ErfOp>(default);
}
