using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Selu: y = gamma·x for x &gt; 0, gamma·(alpha·eˣ − alpha) otherwise, float32. The defaults are the
/// self-normalising constants the ONNX spec gives to float precision.</summary>
public static class Selu
{
    public const float DefaultAlpha = 1.67326319217681884765625f;
    public const float DefaultGamma = 1.05070102214813232421875f;

    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y, float alpha, float gamma)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0f ? gamma * x[i] : gamma * (alpha * MathF.Exp(x[i]) - alpha);
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y, float alpha, float gamma) =>
        UnaryDriver.Run(x, y, new SeluOp(alpha, gamma));
}

/// <remarks>gamma·(alpha·eˣ − alpha) is computed as (gamma·alpha)·(eˣ − 1) with <see cref="ExpM1"/>, so it is
/// exactly 0 at 0 and keeps its precision near 0. Written x ≤ 0 ? … : …, so NaN takes the gamma·x side and stays NaN.</remarks>
internal readonly struct SeluOp(float alpha, float gamma) : IUnaryOp<float>
{
    private readonly float _scale = alpha * gamma;

    public static bool Vectorizable => true;
    public float Invoke(float x) => x <= 0f ? _scale * ExpM1.Invoke(x) : gamma * x;
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128<float>.Zero), ExpM1.Invoke(x) * _scale, x * gamma);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero), ExpM1.Invoke(x) * _scale, x * gamma);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero), ExpM1.Invoke(x) * _scale, x * gamma);
}

internal sealed class SeluOperator : UnaryFloatOperator
{
    public override string OpType => "Selu";
    public override Kernel CreateKernel(NodeContext node) => new UnaryKernel<float, SeluOp>(new SeluOp(
        node.Attributes.GetFloat("alpha", Selu.DefaultAlpha), node.Attributes.GetFloat("gamma", Selu.DefaultGamma)));
}
