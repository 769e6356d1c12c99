using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Gelu (opset 20), float32: y = x·Φ(x). With approximate = "none", Φ(x) = ½(1 + erf(x/√2));
/// with "tanh", Φ(x) ≈ ½(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
public static class Gelu
{
    /// <summary>The exact form, from <see cref="Erf"/>. The reference its vector path is tested against.</summary>
    public static void ScalarErf(ReadOnlySpan<float> x, Span<float> y)
    {
        var erf = default(ErfOp);
        for (int i = 0; i < x.Length; i++) y[i] = 0.5f * x[i] * (1f + erf.Invoke(x[i] * GeluErfOp.InvSqrt2));
    }

    /// <summary>The tanh form, literally as the spec writes it. The reference its vector path is tested against.</summary>
    public static void ScalarTanh(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = 0.5f * v * (1f + MathF.Tanh(GeluTanhOp.Sqrt2OverPi * (v + 0.044715f * v * v * v)));
        }
    }

    public static void RunErf(ReadOnlySpan<float> x, Span<float> y) => UnaryDriver.Run(x, y, default(GeluErfOp));

    public static void RunTanh(ReadOnlySpan<float> x, Span<float> y) => UnaryDriver.Run(x, y, default(GeluTanhOp));
}

internal readonly struct GeluErfOp : IUnaryOp<float>
{
    public const float InvSqrt2 = 0.707106781186547524f;

    public static bool Vectorizable => true;
    public float Invoke(float x) => 0.5f * x * (1f + default(ErfOp).Invoke(x * InvSqrt2));
    public Vector128<float> Invoke(Vector128<float> x) => x * Vector128.Create(0.5f) * (Vector128<float>.One + default(ErfOp).Invoke(x * InvSqrt2));
    public Vector256<float> Invoke(Vector256<float> x) => x * Vector256.Create(0.5f) * (Vector256<float>.One + default(ErfOp).Invoke(x * InvSqrt2));
    public Vector512<float> Invoke(Vector512<float> x) => x * Vector512.Create(0.5f) * (Vector512<float>.One + default(ErfOp).Invoke(x * InvSqrt2));
}

/// <remarks>Computed as x / (1 + e^(−2u)): ½(1 + tanh u) is exactly the logistic function of 2u, which
/// needs one exp and no tanh. The exp is <see cref="ExpM1"/> (so the denominator is 2 + (e^(−2u) − 1)), several
/// times faster than System.Runtime.Intrinsics' vector Exp; its ±30 clamp only matters where y is already
/// x or below 1e-11 in magnitude. At −∞ the spec's formula gives −∞·0 = NaN, where the clamp would
/// give −∞, so −∞ is mapped to NaN explicitly.</remarks>
internal readonly struct GeluTanhOp : IUnaryOp<float>
{
    public const float Sqrt2OverPi = 0.797884560802865356f;
    private const float C = 0.044715f;

    public static bool Vectorizable => true;

    public float Invoke(float x)
    {
        float u = (x + x * x * x * C) * Sqrt2OverPi; // the vector forms' order, so tails match lanes
        return x == float.NegativeInfinity ? float.NaN : x / (ExpM1.Invoke(u * -2f) + 2f);
    }

    public Vector128<float> Invoke(Vector128<float> x)
    {
        var u = (x + x * x * x * C) * Sqrt2OverPi;
        var y = x / (ExpM1.Invoke(u * -2f) + Vector128.Create(2f));
        return Vector128.ConditionalSelect(Vector128.Equals(x, Vector128.Create(float.NegativeInfinity)), Vector128.Create(float.NaN), y);
    }

    public Vector256<float> Invoke(Vector256<float> x)
    {
        var u = (x + x * x * x * C) * Sqrt2OverPi;
        var y = x / (ExpM1.Invoke(u * -2f) + Vector256.Create(2f));
        return Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(float.NegativeInfinity)), Vector256.Create(float.NaN), y);
    }

    public Vector512<float> Invoke(Vector512<float> x)
    {
        var u = (x + x * x * x * C) * Sqrt2OverPi;
        var y = x / (ExpM1.Invoke(u * -2f) + Vector512.Create(2f));
        return Vector512.ConditionalSelect(Vector512.Equals(x, Vector512.Create(float.NegativeInfinity)), Vector512.Create(float.NaN), y);
    }
}

internal sealed class GeluOperator : UnaryFloatOperator
{
    public override string OpType => "Gelu";

    public override void InferOutputs(NodeContext node)
    {
        base.InferOutputs(node);
        Approximate(node);
    }

    public override Kernel CreateKernel(NodeContext node) => Approximate(node)
        ? new UnaryKernel<float, GeluTanhOp>(default)
        : new UnaryKernel<float, GeluErfOp>(default);

    /// <summary>True for the tanh form.</summary>
    private static bool Approximate(NodeContext node) => node.Attributes.GetString("approximate", "none") switch
    {
        "none" => false,
        "tanh" => true,
        var other => throw new ShapeException($"Gelu '{node.NodeName}': approximate = \"{other}\"; ONNX defines \"none\" and \"tanh\""),
    };
}
