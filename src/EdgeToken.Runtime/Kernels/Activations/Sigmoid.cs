using System.Numerics.Tensors;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Sigmoid: y = 1 / (1 + e^-x), float32, vectorised by TensorPrimitives.</summary>
public static class Sigmoid
{
    /// <summary>The reference the vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = 1f / (1f + MathF.Exp(-x[i]));
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.IsEmpty) return; // TensorPrimitives.Sigmoid rejects empty spans; an empty tensor is valid ONNX
        TensorPrimitives.Sigmoid(x, y);
    }
}

internal sealed class SigmoidOperator : UnaryFloatOperator
{
    public override string OpType => "Sigmoid";
    public override Kernel CreateKernel(NodeContext node) => new SigmoidKernel();

    private sealed class SigmoidKernel : Kernel
    {
        public override void Run(in KernelArgs args) => Sigmoid.Run(args.Input<float>(0), args.Output<float>(0));
    }
}
