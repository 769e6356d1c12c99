using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Softmax: y = e^(x − max) / Σ e^(x − max) along one axis (see <see cref="SoftmaxLayout"/>), float32.
/// Subtracting the maximum first keeps e^x from overflowing for large inputs and changes nothing else.</summary>
/// <remarks>Contiguous rows (Inner = 1) are vectorised along the row. Otherwise the Inner positions of a
/// block are processed together, row by row along the axis, with the running maximum and sum in scratch:
/// that keeps every pass a contiguous vector loop instead of a strided gather.</remarks>
public static class Softmax
{
    /// <summary>The reference every path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y, SoftmaxLayout layout)
    {
        var (outer, axis, inner) = layout;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int b = o * axis * inner + j;
                float max = float.NegativeInfinity;
                for (int k = 0; k < axis; k++) max = Math.Max(max, x[b + k * inner]);
                float sum = 0f;
                for (int k = 0; k < axis; k++) sum += y[b + k * inner] = MathF.Exp(x[b + k * inner] - max);
                for (int k = 0; k < axis; k++) y[b + k * inner] /= sum;
            }
    }

    /// <summary>Scratch floats <see cref="Run"/> needs.</summary>
    public static int ScratchFloats(SoftmaxLayout layout) => layout.Inner == 1 ? 0 : 2 * layout.Inner;

    public static void Run(ReadOnlySpan<float> x, Span<float> y, SoftmaxLayout layout, Span<float> scratch)
    {
        var (outer, axis, inner) = layout;
        int block = axis * inner;
        if (block == 0) return;
        for (int o = 0; o < outer; o++)
        {
            var xs = x.Slice(o * block, block);
            var ys = y.Slice(o * block, block);
            if (inner == 1)
            {
                float max = TensorPrimitives.Max(xs);
                TensorPrimitives.Subtract(xs, max, ys);
                TensorPrimitives.Exp(ys, ys);
                TensorPrimitives.Divide(ys, TensorPrimitives.Sum(ys), ys);
                continue;
            }
            var maxes = scratch[..inner];
            var sums = scratch.Slice(inner, inner);
            xs[..inner].CopyTo(maxes);
            for (int k = 1; k < axis; k++) TensorPrimitives.Max(maxes, xs.Slice(k * inner, inner), maxes);
            sums.Clear();
            for (int k = 0; k < axis; k++)
            {
                var row = ys.Slice(k * inner, inner);
                TensorPrimitives.Subtract(xs.Slice(k * inner, inner), maxes, row);
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Add(sums, row, sums);
            }
            for (int k = 0; k < axis; k++)
            {
                var row = ys.Slice(k * inner, inner);
                TensorPrimitives.Divide(row, sums, row);
            }
        }
    }
}

internal sealed class SoftmaxOperator : SoftmaxFamilyOperator
{
    public override string OpType => "Softmax";

    public override Kernel CreateKernel(NodeContext node) => new SoftmaxKernel(SoftmaxLayout.Of(node));

    private sealed class SoftmaxKernel(SoftmaxLayout layout) : Kernel
    {
        public override int ScratchBytes => Softmax.ScratchFloats(layout) * sizeof(float);

        public override void Run(in KernelArgs args) =>
            Softmax.Run(args.Input<float>(0), args.Output<float>(0), layout, args.ScratchAs<float>(0, Softmax.ScratchFloats(layout)));
    }
}
