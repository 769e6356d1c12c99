using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Elu: y = x for x ≥ 0, alpha·(eˣ − 1) below (alpha defaults to 1), float32. eˣ − 1 comes from
/// <see cref="ExpM1"/> so that tiny negative inputs keep their value and sign.</summary>
public static class Elu
{
    public const float DefaultAlpha = 1f;

    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] < 0f ? alpha * (MathF.Exp(x[i]) - 1f) : x[i];
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y, float alpha) => UnaryDriver.Run(x, y, new EluOp(alpha));
}

internal readonly struct EluOp(float alpha) : IUnaryOp<float>
{
    public static bool Vectorizable => true;
    public float Invoke(float x) => x < 0f ? alpha * ExpM1.Invoke(x) : x;
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), ExpM1.Invoke(x) * alpha, x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), ExpM1.Invoke(x) * alpha, x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), ExpM1.Invoke(x) * alpha, x);
}

internal sealed class EluOperator : UnaryFloatOperator
{
    public override string OpType => "Elu";
    public override Kernel CreateKernel(NodeContext node) =>
        new UnaryKernel<float, EluOp>(new EluOp(node.Attributes.GetFloat("alpha", Elu.DefaultAlpha)));
}
