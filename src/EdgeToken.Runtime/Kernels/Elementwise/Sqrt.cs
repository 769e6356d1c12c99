using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Sqrt: y = √x, float32 (NaN for negative x, as IEEE says).</summary>
public static class Sqrt
{
    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Sqrt(x[i]);
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y) => UnaryDriver.Run(x, y, default(SqrtOp));
}

internal readonly struct SqrtOp : IUnaryOp<float>
{
    public static bool Vectorizable => true;
    public float Invoke(float x) => MathF.Sqrt(x);
    public Vector128<float> Invoke(Vector128<float> x) => Vector128.Sqrt(x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Sqrt(x);
    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Sqrt(x);
}

internal sealed class SqrtOperator : UnaryFloatOperator
{
    public override string OpType => "Sqrt";
    public override Kernel CreateKernel(NodeContext node) => new UnaryKernel<float, SqrtOp>(default);
}
