using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>LeakyRelu: y = x for x ≥ 0, alpha·x below (alpha defaults to 0.01), float32.</summary>
public static class LeakyRelu
{
    public const float DefaultAlpha = 0.01f;

    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] < 0f ? alpha * x[i] : x[i];
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y, float alpha) => UnaryDriver.Run(x, y, new LeakyReluOp(alpha));
}

/// <remarks>A select rather than max(x, alpha·x), which would be wrong for alpha &gt; 1.</remarks>
internal readonly struct LeakyReluOp(float alpha) : IUnaryOp<float>
{
    public static bool Vectorizable => true;
    public float Invoke(float x) => x < 0f ? alpha * x : x;
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), x * alpha, x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), x * alpha, x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), x * alpha, x);
}

internal sealed class LeakyReluOperator : UnaryFloatOperator
{
    public override string OpType => "LeakyRelu";

    public override Kernel CreateKernel(NodeContext node) =>
        new UnaryKernel<float, LeakyReluOp>(new LeakyReluOp(node.Attributes.GetFloat("alpha", LeakyRelu.DefaultAlpha)));
}
