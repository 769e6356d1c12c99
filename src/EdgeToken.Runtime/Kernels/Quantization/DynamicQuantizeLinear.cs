using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>DynamicQuantizeLinear: quantizes float32 to uint8 with a scale and zero point computed from the data.
/// The range is widened to include 0; scale = (max - min) / 255 (1 when the range is empty, i.e. all zeros);
/// zero point = round_half_to_even(clamp(0 - min / scale, 0, 255)); y = saturate(round(x / scale) + zero point).</summary>
public static class DynamicQuantizeLinear
{
    /// <summary>The scale and zero point for <paramref name="x"/>, all arithmetic in float32 as the spec's reference.</summary>
    public static (float Scale, byte ZeroPoint) Parameters(ReadOnlySpan<float> x)
    {
        float max = x.IsEmpty ? 0f : MathF.Max(0f, TensorPrimitives.Max(x));
        float min = x.IsEmpty ? 0f : MathF.Min(0f, TensorPrimitives.Min(x));
        float scale = max == min ? 1f : (max - min) / 255f;
        float initial = 0f - min / scale;
        float zp = MathF.Round(Math.Clamp(initial, 0f, 255f), MidpointRounding.ToEven);
        return (scale, (byte)zp);
    }

    public static void Run(ReadOnlySpan<float> x, Span<byte> y, out float scale, out byte zeroPoint)
    {
        (scale, zeroPoint) = Parameters(x);
        QuantizeLinear.Row(x, y, scale, zeroPoint);
    }
}

internal sealed class DynamicQuantizeLinearOperator : OperatorDefinition
{
    public override string OpType => "DynamicQuantizeLinear";

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, ElementType.Float32);
        node.SetOutput(0, ElementType.UInt8, node.Input(0).Dims);
        node.SetOutput(1, ElementType.Float32, Shape.Scalar);
        node.SetOutput(2, ElementType.UInt8, Shape.Scalar);
    }

    public override Kernel CreateKernel(NodeContext node) => new DynamicQuantizeLinearKernel();

    private sealed class DynamicQuantizeLinearKernel : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            DynamicQuantizeLinear.Run(args.Input<float>(0), args.Output<byte>(0), out float scale, out byte zeroPoint);
            if (args.HasOutput(1)) args.Output<float>(1)[0] = scale;
            if (args.HasOutput(2)) args.Output<byte>(2)[0] = zeroPoint;
        }
    }
}
