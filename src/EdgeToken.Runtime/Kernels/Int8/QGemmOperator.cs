using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary><c>EdgeToken.QGemm</c>, the quantizer's fully connected layer: y[m, n] = requantize(Σ_k x[m, k] · w[n, k] + bias[n]),
/// all int8 except the int32 bias. Inputs: x int8 [M, K]; w int8 [N, K], a constant quantized symmetric per output channel
/// (or per tensor); bias int32 [N], a constant in units of x_scale · w_scale[n] with <c>-x_zero_point · Σ_k w[n, k]</c>
/// already folded in. Attributes: <c>multipliers</c> and <c>shifts</c> (one <see cref="FixedPointMultiplier"/> per channel,
/// or one), <c>output_zero_point</c>, and the clamp <c>min</c>/<c>max</c> that carries a fused Relu or Clip.</summary>
public static class QGemm
{
    public const string OpType = "EdgeToken.QGemm";
}

internal sealed class QGemmOperator : OperatorDefinition
{
    public override string OpType => QGemm.OpType;

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, ElementType.Int8);
        node.ExpectType(1, ElementType.Int8);
        node.ExpectType(2, ElementType.Int32);
        var x = node.Input(0).Dims;
        var w = node.Input(1).Dims;
        if (x.Length != 2 || w.Length != 2 || x[1] != w[1] || node.Input(2).ElementCount != w[0])
            throw new ShapeException($"{QGemm.OpType} '{node.NodeName}': x {Shape.Format(x)}, w {Shape.Format(w)} and bias {Shape.Format(node.Input(2).Dims)} do not fit [M, K] · [N, K]ᵀ + [N]");
        node.SetOutput(0, ElementType.Int8, [x[0], w[0]]);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var a = node.Attributes;
        long[] multipliers = a.GetInts("multipliers") ?? throw new ShapeException($"{QGemm.OpType} '{node.NodeName}': missing attribute multipliers");
        long[] shifts = a.GetInts("shifts") ?? throw new ShapeException($"{QGemm.OpType} '{node.NodeName}': missing attribute shifts");
        int n = node.Input(1).Dims[0];
        if (multipliers.Length != shifts.Length || (multipliers.Length != 1 && multipliers.Length != n))
            throw new ShapeException($"{QGemm.OpType} '{node.NodeName}': {multipliers.Length} multipliers and {shifts.Length} shifts for {n} output channels");
        var scales = new FixedPointMultiplier[multipliers.Length];
        for (int i = 0; i < scales.Length; i++) scales[i] = new FixedPointMultiplier((int)multipliers[i], (int)shifts[i]);
        return new QGemmKernel(node.Input(0).Dims[0], node.Input(0).Dims[1], n, scales,
            (int)a.GetInt("output_zero_point", 0), (int)a.GetInt("min", sbyte.MinValue), (int)a.GetInt("max", sbyte.MaxValue));
    }

    private sealed class QGemmKernel(int m, int k, int n, FixedPointMultiplier[] scales, int zeroPoint, int min, int max) : Kernel
    {
        public override int ScratchBytes => m * n * sizeof(int);

        public override void Run(in KernelArgs args)
        {
            var acc = args.ScratchAs<int>(0, m * n);
            var y = args.Output<sbyte>(0);
            var bias = args.Input<int>(2);
            Int8Gemm.Run(args.Input<sbyte>(0), args.Input<sbyte>(1), acc, m, k, n);
            for (int i = 0; i < m; i++)
                Requantize.Row(acc.Slice(i * n, n), bias, scales, zeroPoint, min, max, y.Slice(i * n, n));
        }
    }
}
