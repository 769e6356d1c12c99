using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Log: y = ln x, float32 (-inf at 0, NaN below). Vectorised by TensorPrimitives.</summary>
public static class Log
{
    /// <summary>The reference the vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Log(x[i]);
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);
}

internal sealed class LogOperator : UnaryFloatOperator
{
    public override string OpType => "Log";
    public override Kernel CreateKernel(NodeContext node) => new LogKernel();

    private sealed class LogKernel : Kernel
    {
        public override void Run(in KernelArgs args) => Log.Run(args.Input<float>(0), args.Output<float>(0));
    }
}
