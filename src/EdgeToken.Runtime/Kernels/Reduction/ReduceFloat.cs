using System.Numerics.Tensors;

namespace EdgeToken.Runtime.Kernels.Reduction;

/// <summary>Float32 reductions over an <c>[Outer, Reduced, Inner]</c> input with TensorPrimitives' vector
/// loops: a contiguous reduce per output when <c>Inner == 1</c>, otherwise whole rows of <c>Inner</c>
/// accumulated into the output. <see cref="Reduce.Scalar{T}"/> is the reference.</summary>
public static class ReduceFloat
{
    /// <summary>Floats of scratch <see cref="Run"/> needs for a plan.</summary>
    public static int ScratchFloats(ReduceKind kind, ReducePlan plan) => kind switch
    {
        ReduceKind.LogSumExp => plan.Inner == 1 ? plan.Reduced : 2 * plan.Inner,
        ReduceKind.L1 => plan.Inner == 1 ? 0 : plan.Inner,
        _ => 0,
    };

    public static void Run(ReduceKind kind, ReducePlan plan, ReadOnlySpan<float> x, Span<float> y, Span<float> scratch)
    {
        if (!plan.IsSingleGroup)
        {
            Reduce.Scalar(kind, plan, x, y);
            return;
        }
        int outer = plan.Outer, r = plan.Reduced, inner = plan.Inner;
        if (outer == 0 || inner == 0) return;
        if (r == 0)
        {
            y.Slice(0, outer * inner).Fill(Reduce.One<float>(kind, x, ReadOnlySpan<int>.Empty));
            return;
        }
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) y[o] = Contiguous(kind, x.Slice(o * r, r), scratch);
            return;
        }
        for (int o = 0; o < outer; o++)
            Rows(kind, x.Slice(o * r * inner, r * inner), r, y.Slice(o * inner, inner), scratch);
    }

    private static float Contiguous(ReduceKind kind, ReadOnlySpan<float> x, Span<float> scratch)
    {
        switch (kind)
        {
            case ReduceKind.Sum: return TensorPrimitives.Sum(x);
            case ReduceKind.Mean: return TensorPrimitives.Sum(x) / x.Length;
            case ReduceKind.Max: return TensorPrimitives.Max(x);
            case ReduceKind.Min: return TensorPrimitives.Min(x);
            case ReduceKind.Prod: return TensorPrimitives.Product(x);
            case ReduceKind.SumSquare: return TensorPrimitives.SumOfSquares(x);
            case ReduceKind.L1: return TensorPrimitives.SumOfMagnitudes(x);
            case ReduceKind.L2: return MathF.Sqrt(TensorPrimitives.SumOfSquares(x));
            case ReduceKind.LogSum: return MathF.Log(TensorPrimitives.Sum(x));
            case ReduceKind.LogSumExp:
            {
                float max = TensorPrimitives.Max(x);
                if (float.IsNegativeInfinity(max)) return max;
                var t = scratch.Slice(0, x.Length);
                TensorPrimitives.Subtract(x, max, t);
                TensorPrimitives.Exp(t, t);
                return MathF.Log(TensorPrimitives.Sum(t)) + max;
            }
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    // x is [r, inner]; y (length inner) receives the reduction over r.
    private static void Rows(ReduceKind kind, ReadOnlySpan<float> x, int r, Span<float> y, Span<float> scratch)
    {
        int inner = y.Length;
        if (kind == ReduceKind.LogSumExp)
        {
            var max = scratch.Slice(0, inner);
            var t = scratch.Slice(inner, inner);
            x.Slice(0, inner).CopyTo(max);
            for (int i = 1; i < r; i++) TensorPrimitives.Max(max, x.Slice(i * inner, inner), max);
            y.Clear();
            for (int i = 0; i < r; i++)
            {
                TensorPrimitives.Subtract(x.Slice(i * inner, inner), max, t);
                TensorPrimitives.Exp(t, t);
                TensorPrimitives.Add(y, t, y);
            }
            TensorPrimitives.Log(y, y);
            TensorPrimitives.Add(y, max, y);
            // A column of -inf gives -inf - -inf = NaN above; its log-sum-exp is -inf.
            for (int j = 0; j < inner; j++) if (float.IsNegativeInfinity(max[j])) y[j] = float.NegativeInfinity;
            return;
        }

        var first = x.Slice(0, inner);
        switch (kind)
        {
            case ReduceKind.SumSquare:
            case ReduceKind.L2:
                TensorPrimitives.Multiply(first, first, y);
                break;
            case ReduceKind.L1:
                TensorPrimitives.Abs(first, y);
                break;
            default:
                first.CopyTo(y);
                break;
        }
        for (int i = 1; i < r; i++)
        {
            var row = x.Slice(i * inner, inner);
            switch (kind)
            {
                case ReduceKind.Sum:
                case ReduceKind.Mean:
                case ReduceKind.LogSum:
                    TensorPrimitives.Add(y, row, y);
                    break;
                case ReduceKind.Max:
                    TensorPrimitives.Max(y, row, y);
                    break;
                case ReduceKind.Min:
                    TensorPrimitives.Min(y, row, y);
                    break;
                case ReduceKind.Prod:
                    TensorPrimitives.Multiply(y, row, y);
                    break;
                case ReduceKind.SumSquare:
                case ReduceKind.L2:
                    TensorPrimitives.MultiplyAdd(row, row, y, y);
                    break;
                case ReduceKind.L1:
                    var t = scratch.Slice(0, inner);
                    TensorPrimitives.Abs(row, t);
                    TensorPrimitives.Add(y, t, y);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind));
            }
        }
        switch (kind)
        {
            case ReduceKind.Mean:
                TensorPrimitives.Divide(y, r, y);
                break;
            case ReduceKind.L2:
                TensorPrimitives.Sqrt(y, y);
                break;
            case ReduceKind.LogSum:
                TensorPrimitives.Log(y, y);
                break;
        }
    }
}
