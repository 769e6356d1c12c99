using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>HardSwish: y = x · max(0, min(1, x/6 + 1/2)), float32 (HardSigmoid with alpha 1/6, times x).</summary>
public static class HardSwish
{
    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * Math.Max(0f, Math.Min(1f, x[i] * (1f / 6f) + 0.5f));
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y) => UnaryDriver.Run(x, y, default(HardSwishOp));
}

internal readonly struct HardSwishOp : IUnaryOp<float>
{
    private const float Sixth = 1f / 6f;

    public static bool Vectorizable => true;
    public float Invoke(float x) => x * Math.Max(0f, Math.Min(1f, x * Sixth + 0.5f));
    public Vector128<float> Invoke(Vector128<float> x) => x * Vector128.Max(Vector128<float>.Zero, Vector128.Min(Vector128<float>.One, x * Sixth + Vector128.Create(0.5f)));
    public Vector256<float> Invoke(Vector256<float> x) => x * Vector256.Max(Vector256<float>.Zero, Vector256.Min(Vector256<float>.One, x * Sixth + Vector256.Create(0.5f)));
    public Vector512<float> Invoke(Vector512<float> x) => x * Vector512.Max(Vector512<float>.Zero, Vector512.Min(Vector512<float>.One, x * Sixth + Vector512.Create(0.5f)));
}

internal sealed class HardSwishOperator : UnaryFloatOperator
{
    public override string OpType => "HardSwish";
    public override Kernel CreateKernel(NodeContext node) => new UnaryKernel<float, HardSwishOp>(default);
}
