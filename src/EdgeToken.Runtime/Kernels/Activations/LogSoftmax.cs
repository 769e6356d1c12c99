using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>LogSoftmax: y = (x − max) − log Σ e^(x − max) along one axis (see <see cref="SoftmaxLayout"/>),
/// float32. Computed directly rather than as log(softmax) so tiny probabilities keep their precision, and
/// with (x − max) formed first: x − (max + log Σ) would round max + log Σ at max's magnitude.</summary>
public static class LogSoftmax
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
                for (int k = 0; k < axis; k++) sum += MathF.Exp(x[b + k * inner] - max);
                float logSum = MathF.Log(sum);
                for (int k = 0; k < axis; k++) y[b + k * inner] = x[b + k * inner] - max - logSum;
            }
    }

    /// <summary>Scratch floats <see cref="Run"/> needs: the exponentials of one row, or the running maximum,
    /// sum and one row of exponentials for strided blocks. (y cannot hold the exponentials: it may be x.)</summary>
    public static int ScratchFloats(SoftmaxLayout layout) => layout.Inner == 1 ? layout.Axis : 3 * layout.Inner;

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
                var exps = scratch[..axis];
                float max = TensorPrimitives.Max(xs);
                TensorPrimitives.Subtract(xs, max, exps);
                TensorPrimitives.Exp(exps, exps);
                float logSum = MathF.Log(TensorPrimitives.Sum(exps));
                TensorPrimitives.Subtract(xs, max, ys);
                TensorPrimitives.Subtract(ys, logSum, ys);
                continue;
            }
            var maxes = scratch[..inner];
            var sums = scratch.Slice(inner, inner);
            var row = scratch.Slice(2 * inner, inner);
            xs[..inner].CopyTo(maxes);
            for (int k = 1; k < axis; k++) TensorPrimitives.Max(maxes, xs.Slice(k * inner, inner), maxes);
            sums.Clear();
            for (int k = 0; k < axis; k++)
            {
                TensorPrimitives.Subtract(xs.Slice(k * inner, inner), maxes, row);
                TensorPrimitives.Exp(row, row);
                TensorPrimitives.Add(sums, row, sums);
            }
            TensorPrimitives.Log(sums, sums);
            for (int k = 0; k < axis; k++)
            {
                var yk = ys.Slice(k * inner, inner);
                TensorPrimitives.Subtract(xs.Slice(k * inner, inner), maxes, yk);
                TensorPrimitives.Subtract(yk, sums, yk);
            }
        }
    }
}

internal sealed class LogSoftmaxOperator : SoftmaxFamilyOperator
{
    public override string OpType => "LogSoftmax";

    public override Kernel CreateKernel(NodeContext node) => new LogSoftmaxKernel(SoftmaxLayout.Of(node));

    private sealed class LogSoftmaxKernel(SoftmaxLayout layout) : Kernel
    {
        public override int ScratchBytes => LogSoftmax.ScratchFloats(layout) * sizeof(float);

        public override void Run(in KernelArgs args) =>
            LogSoftmax.Run(args.Input<float>(0), args.Output<float>(0), layout, args.ScratchAs<float>(0, LogSoftmax.ScratchFloats(layout)));
    }
}
