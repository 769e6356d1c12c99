using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Exp: y = eˣ, float32. The vector path is TensorPrimitives', which is vectorised and accurate to
/// a few ulp; there is nothing to gain from a second implementation.</summary>
public static class Exp
{
    /// <summary>The reference the vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Exp(x[i]);
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);
}

internal sealed class ExpOperator : UnaryFloatOperator
{
    public override string OpType => "Exp";
    public override Kernel CreateKernel(NodeContext node) => new ExpKernel();

    private sealed class ExpKernel : Kernel
    {
        public override void Run(in KernelArgs args) => Exp.Run(args.Input<float>(0), args.Output<float>(0));
    }
}
