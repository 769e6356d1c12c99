using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Normalization;

/// <summary>InstanceNormalization, float32: every (batch, channel) plane of <c>[N, C, spatial...]</c> is
/// normalised by its own mean and variance, then scaled and shifted by the channel's scale and bias.</summary>
public static class InstanceNormalization
{
    public static void Scalar(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, float epsilon, int channels, int spatial, Span<float> y)
    {
        int planes = spatial == 0 ? 0 : x.Length / spatial;
        for (int p = 0; p < planes; p++)
        {
            int c = p % channels;
            var plane = x.Slice(p * spatial, spatial);
            float mean = 0f;
            foreach (float v in plane) mean += v;
            mean /= spatial;
            float variance = 0f;
            foreach (float v in plane) variance += (v - mean) * (v - mean);
            variance /= spatial;
            float inv = 1f / MathF.Sqrt(variance + epsilon);
            for (int i = 0; i < spatial; i++) y[p * spatial + i] = scale[c] * (plane[i] - mean) * inv + bias[c];
        }
    }

    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, float epsilon, int channels, int spatial, Span<float> y)
    {
        int planes = spatial == 0 ? 0 : x.Length / spatial;
        for (int p = 0; p < planes; p++)
        {
            int c = p % channels;
            var plane = x.Slice(p * spatial, spatial);
            var (mean, variance) = Moments.Of(plane);
            // y = x·a + b with a = scale/σ and b = bias − mean·a: one fused pass over the plane.
            float a = scale[c] / MathF.Sqrt(variance + epsilon);
            ScaleShift.Run(plane, a, bias[c] - mean * a, y.Slice(p * spatial, spatial));
        }
    }
}

internal sealed class InstanceNormalizationOperator : OperatorDefinition
{
    public override string OpType => "InstanceNormalization";

    public override void InferOutputs(NodeContext node)
    {
        var t = node.ExpectType(0, ElementType.Float32);
        node.ExpectType(1, ElementType.Float32);
        node.ExpectType(2, ElementType.Float32);
        var dims = node.Input(0).Dims;
        if (dims.Length < 2) throw new ShapeException($"InstanceNormalization '{node.NodeName}': input {Shape.Format(dims)} needs at least [N, C]");
        for (int i = 1; i <= 2; i++)
            if (node.Input(i).ElementCount != dims[1])
                throw new ShapeException($"InstanceNormalization '{node.NodeName}': input {i} has shape {Shape.Format(node.Input(i).Dims)}, expected [{dims[1]}]");
        node.SetOutput(0, t, dims);
    }

    public override int InPlaceInput(NodeContext node) => 0;

    public override Kernel CreateKernel(NodeContext node)
    {
        var dims = node.Input(0).Dims;
        return new InstanceNormalizationKernel(node.Attributes.GetFloat("epsilon", 1e-5f), dims[1], (int)Shape.ElementCount(dims.AsSpan(2)));
    }

    private sealed class InstanceNormalizationKernel(float epsilon, int channels, int spatial) : Kernel
    {
        public override void Run(in KernelArgs args) =>
            InstanceNormalization.Run(args.Input<float>(0), args.Input<float>(1), args.Input<float>(2), epsilon, channels, spatial, args.Output<float>(0));
    }
}
