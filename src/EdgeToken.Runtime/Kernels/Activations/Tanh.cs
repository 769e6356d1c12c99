using System.Numerics.Tensors;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Tanh, float32, vectorised by TensorPrimitives.</summary>
public static class Tanh
{
    /// <summary>The reference the vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Tanh(x[i]);
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);
}

internal sealed class TanhOperator : UnaryFloatOperator
{
    public override string OpType => "Tanh";
    public override Kernel CreateKernel(NodeContext node) => new TanhKernel();

    private sealed class TanhKernel : Kernel
    {
        public override void Run(in KernelArgs args) => Tanh.Run(args.Input<float>(0), args.Output<float>(0));
    }
}
