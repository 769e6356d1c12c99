using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Normalization;

/// <summary>BatchNormalization, float32, over channel axis 1 of <c>[N, C, spatial...]</c>. Inference uses the
/// given mean and variance; training mode (opset 14+) uses the batch's own statistics and also returns the
/// updated running statistics <c>running = input · momentum + batch · (1 − momentum)</c>.</summary>
public static class BatchNormalization
{
    /// <summary>The inference reference: y = scale · (x − mean) / sqrt(var + ε) + bias.</summary>
    public static void Scalar(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> variance, float epsilon, int channels, int spatial, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / spatial % channels;
            y[i] = scale[c] * (x[i] - mean[c]) / MathF.Sqrt(variance[c] + epsilon) + bias[c];
        }
    }

    /// <summary>Inference with one fused multiply-add per plane; <paramref name="scratch"/> holds 2·C floats.</summary>
    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> variance, float epsilon, int channels, int spatial, Span<float> y, Span<float> scratch)
    {
        var a = scratch.Slice(0, channels);
        var b = scratch.Slice(channels, channels);
        for (int c = 0; c < channels; c++)
        {
            a[c] = scale[c] / MathF.Sqrt(variance[c] + epsilon);
            b[c] = bias[c] - mean[c] * a[c];
        }
        int planes = spatial == 0 ? 0 : x.Length / spatial;
        for (int p = 0; p < planes; p++)
        {
            int c = p % channels;
            ScaleShift.Run(x.Slice(p * spatial, spatial), a[c], b[c], y.Slice(p * spatial, spatial));
        }
    }

    /// <summary>The batch's per-channel mean and biased variance (over N and the spatial dimensions).</summary>
    public static void BatchStatistics(ReadOnlySpan<float> x, int channels, int spatial, Span<float> mean, Span<float> variance)
    {
        int batch = channels * spatial == 0 ? 0 : x.Length / (channels * spatial);
        float count = (float)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            float sum = 0f;
            for (int n = 0; n < batch; n++) sum += TensorPrimitives.Sum(x.Slice((n * channels + c) * spatial, spatial));
            float m = sum / count;
            float squares = 0f;
            for (int n = 0; n < batch; n++) squares += Moments.SquaredDeviations(x.Slice((n * channels + c) * spatial, spatial), m);
            mean[c] = m;
            variance[c] = squares / count;
        }
    }
}

internal sealed class BatchNormalizationOperator : OperatorDefinition
{
    public override string OpType => "BatchNormalization";

    public override void InferOutputs(NodeContext node)
    {
        var t = node.ExpectType(0, ElementType.Float32);
        var dims = node.Input(0).Dims;
        if (dims.Length < 2) throw new ShapeException($"BatchNormalization '{node.NodeName}': input {Shape.Format(dims)} needs at least [N, C]");
        if (node.Attributes.GetInt("spatial", 1) == 0)
            throw new UnsupportedOperatorException($"BatchNormalization '{node.NodeName}': spatial=0 (per-activation statistics)");
        for (int i = 1; i <= 4; i++)
        {
            node.ExpectType(i, ElementType.Float32);
            if (node.Input(i).ElementCount != dims[1])
                throw new ShapeException($"BatchNormalization '{node.NodeName}': input {i} has shape {Shape.Format(node.Input(i).Dims)}, expected [{dims[1]}]");
        }
        node.SetOutput(0, t, dims);
        if (Training(node))
        {
            node.SetOutput(1, t, [dims[1]]);
            node.SetOutput(2, t, [dims[1]]);
        }
        else if (node.OutputCount > 1)
        {
            // Before opset 14 the extra outputs are the training-time mean/var/saved statistics.
            throw new UnsupportedOperatorException($"BatchNormalization '{node.NodeName}': training outputs of opset {node.Opset} (use training_mode of opset 14+)");
        }
    }

    public override int InPlaceInput(NodeContext node) => 0;

    public override Kernel CreateKernel(NodeContext node)
    {
        var dims = node.Input(0).Dims;
        return new BatchNormalizationKernel(node.Attributes.GetFloat("epsilon", 1e-5f), node.Attributes.GetFloat("momentum", 0.9f),
            dims[1], (int)Shape.ElementCount(dims.AsSpan(2)), Training(node));
    }

    private static bool Training(NodeContext node) => node.Opset >= 14 && node.Attributes.GetInt("training_mode", 0) != 0;

    private sealed class BatchNormalizationKernel(float epsilon, float momentum, int channels, int spatial, bool training) : Kernel
    {
        public override int ScratchBytes => (training ? 4 : 2) * channels * sizeof(float);

        public override void Run(in KernelArgs args)
        {
            var x = args.Input<float>(0);
            ReadOnlySpan<float> mean = args.Input<float>(3);
            ReadOnlySpan<float> variance = args.Input<float>(4);
            if (training)
            {
                var batchMean = args.ScratchAs<float>(2 * channels * sizeof(float), channels);
                var batchVariance = args.ScratchAs<float>(3 * channels * sizeof(float), channels);
                BatchNormalization.BatchStatistics(x, channels, spatial, batchMean, batchVariance);
                if (args.HasOutput(1)) Blend(mean, batchMean, args.Output<float>(1));
                if (args.HasOutput(2)) Blend(variance, batchVariance, args.Output<float>(2));
                mean = batchMean;
                variance = batchVariance;
            }
            BatchNormalization.Run(x, args.Input<float>(1), args.Input<float>(2), mean, variance, epsilon, channels, spatial,
                args.Output<float>(0), args.ScratchAs<float>(0, 2 * channels));
        }

        private void Blend(ReadOnlySpan<float> running, ReadOnlySpan<float> batch, Span<float> result)
        {
            for (int c = 0; c < channels; c++) result[c] = running[c] * momentum + batch[c] * (1f - momentum);
        }
    }
}
