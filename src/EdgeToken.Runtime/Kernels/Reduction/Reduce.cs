using System.Numerics;

namespace EdgeToken.Runtime.Kernels.Reduction;

/// <summary>The reference reduction for every element type: one output element at a time, walking the
/// plan's offset tables. It runs the non-float types and the float reductions the fast path does not cover.</summary>
public static class Reduce
{
    public static void Scalar<T>(ReduceKind kind, ReducePlan plan, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T>
    {
        var bases = plan.BaseOffsets;
        var offsets = plan.ReducedOffsets;
        for (int o = 0; o < bases.Length; o++) y[o] = One(kind, x.Slice(bases[o]), offsets);
    }

    /// <summary>Reduces the elements at <paramref name="offsets"/> of <paramref name="x"/>.</summary>
    public static T One<T>(ReduceKind kind, ReadOnlySpan<T> x, ReadOnlySpan<int> offsets) where T : unmanaged, INumber<T>
    {
        switch (kind)
        {
            case ReduceKind.Sum:
            case ReduceKind.Mean:
            case ReduceKind.LogSum:
            {
                T acc = T.Zero;
                foreach (int i in offsets) acc += x[i];
                if (kind == ReduceKind.Sum) return acc;
                if (kind == ReduceKind.LogSum) return T.CreateSaturating(Math.Log(double.CreateSaturating(acc)));
                // The mean of nothing is 0/0: NaN for floats; integers have no NaN, so they get 0.
                return offsets.Length == 0 && !IsFloat<T>() ? T.Zero : acc / T.CreateSaturating(offsets.Length);
            }
            case ReduceKind.Max:
            {
                // An empty max is the lowest value (-inf for floats), as the ONNX reference has it; NaN wins.
                T acc = T.CreateSaturating(double.NegativeInfinity);
                foreach (int i in offsets) if (x[i] > acc || T.IsNaN(x[i])) acc = x[i];
                return acc;
            }
            case ReduceKind.Min:
            {
                T acc = T.CreateSaturating(double.PositiveInfinity);
                foreach (int i in offsets) if (x[i] < acc || T.IsNaN(x[i])) acc = x[i];
                return acc;
            }
            case ReduceKind.Prod:
            {
                T acc = T.One;
                foreach (int i in offsets) acc *= x[i];
                return acc;
            }
            case ReduceKind.SumSquare:
            case ReduceKind.L2:
            {
                T acc = T.Zero;
                foreach (int i in offsets) acc += x[i] * x[i];
                return kind == ReduceKind.SumSquare ? acc : T.CreateSaturating(Math.Sqrt(double.CreateSaturating(acc)));
            }
            case ReduceKind.L1:
            {
                T acc = T.Zero;
                foreach (int i in offsets) acc += T.Abs(x[i]);
                return acc;
            }
            case ReduceKind.LogSumExp:
            {
                // Shifted by the max so large inputs do not overflow exp.
                double max = double.NegativeInfinity;
                foreach (int i in offsets) max = Math.Max(max, double.CreateSaturating(x[i]));
                if (double.IsNegativeInfinity(max)) return T.CreateSaturating(max);
                double sum = 0;
                foreach (int i in offsets) sum += Math.Exp(double.CreateSaturating(x[i]) - max);
                return T.CreateSaturating(Math.Log(sum) + max);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static bool IsFloat<T>() where T : INumber<T> => T.IsNaN(T.CreateSaturating(double.NaN));
}
