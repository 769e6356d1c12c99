using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>HardSigmoid: y = max(0, min(1, alpha·x + beta)), alpha 0.2 and beta 0.5 by default, float32.</summary>
public static class HardSigmoid
{
    public const float DefaultAlpha = 0.2f;
    public const float DefaultBeta = 0.5f;

    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y, float alpha, float beta)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Max(0f, Math.Min(1f, alpha * x[i] + beta));
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y, float alpha, float beta) =>
        UnaryDriver.Run(x, y, new HardSigmoidOp(alpha, beta));
}

internal readonly struct HardSigmoidOp(float alpha, float beta) : IUnaryOp<float>
{
    public static bool Vectorizable => true;
    public float Invoke(float x) => Math.Max(0f, Math.Min(1f, alpha * x + beta));
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Max(Vector128<float>.Zero, Vector128.Min(Vector128<float>.One, x * alpha + Vector128.Create(beta)));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(Vector256<float>.Zero, Vector256.Min(Vector256<float>.One, x * alpha + Vector256.Create(beta)));
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Max(Vector512<float>.Zero, Vector512.Min(Vector512<float>.One, x * alpha + Vector512.Create(beta)));
}

internal sealed class HardSigmoidOperator : UnaryFloatOperator
{
    public override string OpType => "HardSigmoid";

    public override Kernel CreateKernel(NodeContext node) => new UnaryKernel<float, HardSigmoidOp>(new HardSigmoidOp(
        node.Attributes.GetFloat("alpha", HardSigmoid.DefaultAlpha), node.Attributes.GetFloat("beta", HardSigmoid.DefaultBeta)));
}
