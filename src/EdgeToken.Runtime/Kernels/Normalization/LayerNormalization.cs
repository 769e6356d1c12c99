using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Normalization;

/// <summary>LayerNormalization, float32: each row of the <c>[outer, inner]</c> view (inner = the dimensions
/// from <c>axis</c> on) becomes <c>(x − mean) · invStdDev · scale + bias</c>, with
/// <c>invStdDev = 1 / sqrt(variance + epsilon)</c>; the per-row mean and invStdDev are optional outputs.</summary>
public static class LayerNormalization
{
    /// <summary>The reference, straight from the spec. <paramref name="bias"/> may be empty; mean and
    /// invStdDev may be empty when unused.</summary>
    public static void Scalar(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, float epsilon, int inner,
        Span<float> y, Span<float> mean, Span<float> invStdDev)
    {
        int outer = inner == 0 ? 0 : x.Length / inner;
        for (int o = 0; o < outer; o++)
        {
            var row = x.Slice(o * inner, inner);
            float m = 0f;
            foreach (float v in row) m += v;
            m /= inner;
            float variance = 0f;
            foreach (float v in row) variance += (v - m) * (v - m);
            variance /= inner;
            float inv = 1f / MathF.Sqrt(variance + epsilon);
            for (int i = 0; i < inner; i++)
                y[o * inner + i] = (row[i] - m) * inv * scale[i] + (bias.IsEmpty ? 0f : bias[i]);
            if (!mean.IsEmpty) mean[o] = m;
            if (!invStdDev.IsEmpty) invStdDev[o] = inv;
        }
    }

    /// <summary>Same as <see cref="Scalar"/> with vector loops over each row; <paramref name="scale"/> and
    /// <paramref name="bias"/> already have the row's length.</summary>
    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, float epsilon, int inner,
        Span<float> y, Span<float> mean, Span<float> invStdDev)
    {
        int outer = inner == 0 ? 0 : x.Length / inner;
        for (int o = 0; o < outer; o++)
        {
            var row = x.Slice(o * inner, inner);
            var dst = y.Slice(o * inner, inner);
            var (m, variance) = Moments.Of(row);
            float inv = 1f / MathF.Sqrt(variance + epsilon);
            TensorPrimitives.Subtract(row, m, dst);
            TensorPrimitives.Multiply(dst, inv, dst);
            if (bias.IsEmpty) TensorPrimitives.Multiply(dst, scale, dst);
            else TensorPrimitives.FusedMultiplyAdd(dst, scale, bias, dst);
            if (!mean.IsEmpty) mean[o] = m;
            if (!invStdDev.IsEmpty) invStdDev[o] = inv;
        }
    }
}

internal sealed class LayerNormalizationOperator : OperatorDefinition
{
    public override string OpType => "LayerNormalization";

    public override void InferOutputs(NodeContext node)
    {
        var t = node.ExpectType(0, ElementType.Float32);
        if (node.Attributes.GetInt("stash_type", 1) != 1)
            throw new UnsupportedOperatorException($"LayerNormalization '{node.NodeName}': stash_type {node.Attributes.GetInt("stash_type", 1)} (only float, 1, is supported)");
        node.ExpectType(1, ElementType.Float32);
        if (node.HasInput(2)) node.ExpectType(2, ElementType.Float32);
        var dims = node.Input(0).Dims;
        int axis = Axis(node);
        var normalized = dims[axis..];
        Broadcast(node, 1, normalized);
        if (node.HasInput(2)) Broadcast(node, 2, normalized);
        node.SetOutput(0, t, dims);
        // Mean and InvStdDev keep the leading dimensions and have 1 for each normalised one.
        var reduced = new int[dims.Length];
        for (int d = 0; d < dims.Length; d++) reduced[d] = d < axis ? dims[d] : 1;
        node.SetOutput(1, ElementType.Float32, reduced);
        node.SetOutput(2, ElementType.Float32, reduced);
    }

    // Each row is read (for its moments) before it is written.
    public override int InPlaceInput(NodeContext node) => 0;

    public override Kernel CreateKernel(NodeContext node)
    {
        var dims = node.Input(0).Dims;
        var normalized = dims[Axis(node)..];
        int inner = (int)Shape.ElementCount(normalized);
        return new LayerNormalizationKernel(inner, node.Attributes.GetFloat("epsilon", 1e-5f),
            Broadcast(node, 1, normalized), node.HasInput(2) ? Broadcast(node, 2, normalized) : null);
    }

    private static int Axis(NodeContext node)
    {
        var dims = node.Input(0).Dims;
        try
        {
            return Shape.NormalizeAxis(node.Attributes.GetInt("axis", -1), dims.Length);
        }
        catch (ShapeException e)
        {
            throw new ShapeException($"LayerNormalization '{node.NodeName}': {e.Message}");
        }
    }

    /// <summary>Checks that input <paramref name="index"/> broadcasts to the normalised shape and returns the
    /// element of it each normalised element reads, or null when it already has that shape.</summary>
    private static int[]? Broadcast(NodeContext node, int index, int[] normalized)
    {
        var dims = node.Input(index).Dims;
        if (Shape.SequenceEqual(dims, normalized)) return null;
        int[] full;
        try
        {
            full = Shape.Broadcast(normalized, dims);
        }
        catch (ShapeException e)
        {
            throw new ShapeException($"LayerNormalization '{node.NodeName}': input {index}: {e.Message}");
        }
        if (!Shape.SequenceEqual(full, normalized))
            throw new ShapeException($"LayerNormalization '{node.NodeName}': input {index} of shape {Shape.Format(dims)} does not broadcast to the normalised shape {Shape.Format(normalized)}");
        return BroadcastIndex.Of(normalized, dims);
    }

    private sealed class LayerNormalizationKernel(int inner, float epsilon, int[]? scaleIndex, int[]? biasIndex) : Kernel
    {
        private readonly bool _expand = scaleIndex is not null || biasIndex is not null;

        public override int ScratchBytes => _expand ? 2 * inner * sizeof(float) : 0;

        public override void Run(in KernelArgs args)
        {
            ReadOnlySpan<float> scale = args.Input<float>(1);
            ReadOnlySpan<float> bias = args.HasInput(2) ? args.Input<float>(2) : ReadOnlySpan<float>.Empty;
            if (_expand)
            {
                scale = BroadcastIndex.Expand(scale, scaleIndex, args.ScratchAs<float>(0, inner));
                if (!bias.IsEmpty) bias = BroadcastIndex.Expand(bias, biasIndex, args.ScratchAs<float>(inner * sizeof(float), inner));
            }
            LayerNormalization.Run(args.Input<float>(0), scale, bias, epsilon, inner, args.Output<float>(0),
                args.HasOutput(1) ? args.Output<float>(1) : Span<float>.Empty,
                args.HasOutput(2) ? args.Output<float>(2) : Span<float>.Empty);
        }
    }
}
