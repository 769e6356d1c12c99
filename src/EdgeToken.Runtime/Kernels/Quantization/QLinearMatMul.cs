using System.Numerics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>QLinearMatMul: the int32 product of the zero-point-shifted operands, requantized to y's type.</summary>
/// <remarks>Requantization follows the spec's reference exactly: the multiplier a_scale * b_scale / y_scale is
/// computed in the scales' own type (float32 or float16), the product is taken in double, y_zero_point is added
/// before rounding half to even, then the result saturates.</remarks>
public static class QLinearMatMul
{
    public static T Requantize<T>(int accumulator, double multiplier, int zeroPoint) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        double v = Math.Round(accumulator * multiplier + zeroPoint, MidpointRounding.ToEven);
        v = Math.Clamp(v, double.CreateTruncating(T.MinValue), double.CreateTruncating(T.MaxValue));
        return T.CreateTruncating((int)v);
    }

    /// <summary>The multiplier in the scales' type, widened to double.</summary>
    public static double Multiplier<TScale>(TScale a, TScale b, TScale y) where TScale : unmanaged, IFloatingPointIeee754<TScale> =>
        double.CreateTruncating(a * b / y);
}

internal sealed class QLinearMatMulOperator : OperatorDefinition
{
    public override string OpType => "QLinearMatMul";

    public override void InferOutputs(NodeContext node)
    {
        var g = Geometry(node);
        node.SetOutput(0, node.Input(7).Type, g.OutputDims);
    }

    public override Kernel CreateKernel(NodeContext node) =>
        new QLinearMatMulKernel(Geometry(node), node.Input(0).Type, node.Input(3).Type, node.Input(7).Type, node.Input(1).Type);

    private static MatMulGeometry Geometry(NodeContext node)
    {
        var ta = node.ExpectType(0, ElementType.UInt8, ElementType.Int8);
        var tb = node.ExpectType(3, ElementType.UInt8, ElementType.Int8);
        var scaleType = node.ExpectType(1, ElementType.Float32, ElementType.Float16);
        node.ExpectType(7, ElementType.UInt8, ElementType.Int8);
        if (node.Input(4).Type != scaleType || node.Input(6).Type != scaleType)
            throw new ShapeException($"QLinearMatMul '{node.NodeName}': a_scale, b_scale and y_scale must share one type");
        if (node.Input(2).Type != ta || node.Input(5).Type != tb)
            throw new ShapeException($"QLinearMatMul '{node.NodeName}': a zero point's type differs from its operand's");
        var g = MatMulGeometry.Create(node, node.Input(0).Dims, node.Input(3).Dims);
        MatMulGeometry.CheckParameter(node, 1, "a_scale", g.M, g.ABatchCount);
        MatMulGeometry.CheckParameter(node, 2, "a_zero_point", g.M, g.ABatchCount);
        MatMulGeometry.CheckParameter(node, 4, "b_scale", g.N, g.BBatchCount);
        MatMulGeometry.CheckParameter(node, 5, "b_zero_point", g.N, g.BBatchCount);
        if (node.Input(6).ElementCount != 1 || node.Input(7).ElementCount != 1)
            throw new ShapeException($"QLinearMatMul '{node.NodeName}': y_scale and y_zero_point must be scalars");
        return g;
    }

    private sealed class QLinearMatMulKernel(MatMulGeometry g, ElementType ta, ElementType tb, ElementType ty, ElementType scale) : Kernel
    {
        public override int ScratchBytes => (g.M * g.K + g.K * g.N + g.M * g.N) * sizeof(int);

        public override void Run(in KernelArgs args)
        {
            var a = args.ScratchAs<int>(0, g.M * g.K);
            var b = args.ScratchAs<int>(g.M * g.K * sizeof(int), g.K * g.N);
            var c = args.ScratchAs<int>((g.M * g.K + g.K * g.N) * sizeof(int), g.M * g.N);
            for (int i = 0; i < g.ABatch.Length; i++)
            {
                // Operands repeat across broadcast batches (a 2-D weight is the same for every batch): widen them once.
                if (i == 0 || g.ABatch[i] != g.ABatch[i - 1]) IntegerOperands.WidenA(args, 0, 2, ta, g, g.ABatch[i], a);
                if (i == 0 || g.BBatch[i] != g.BBatch[i - 1]) IntegerOperands.WidenB(args, 3, 5, tb, g, g.BBatch[i], b);
                IntegerGemm.Run(a, b, c, g.M, g.K, g.N);
                switch (ty, scale)
                {
                    case (ElementType.UInt8, ElementType.Float32): Requantize<byte, float>(args, c, i); break;
                    case (ElementType.Int8, ElementType.Float32): Requantize<sbyte, float>(args, c, i); break;
                    case (ElementType.UInt8, _): Requantize<byte, Half>(args, c, i); break;
                    default: Requantize<sbyte, Half>(args, c, i); break;
                }
            }
        }

        private void Requantize<T, TScale>(in KernelArgs args, ReadOnlySpan<int> c, int batch)
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
            where TScale : unmanaged, IFloatingPointIeee754<TScale>
        {
            var aScale = args.Input<TScale>(1);
            var bScale = args.Input<TScale>(4);
            TScale yScale = args.Input<TScale>(6)[0];
            int yZero = int.CreateTruncating(args.Input<T>(7)[0]);
            var y = args.Output<T>(0).Slice(batch * g.M * g.N, g.M * g.N);
            int aBase = g.ABatch[batch] * g.M, bBase = g.BBatch[batch] * g.N;
            for (int m = 0; m < g.M; m++)
            {
                TScale sa = aScale[aScale.Length == 1 ? 0 : (aBase + m) % aScale.Length];
                for (int n = 0; n < g.N; n++)
                {
                    TScale sb = bScale[bScale.Length == 1 ? 0 : (bBase + n) % bScale.Length];
                    y[m * g.N + n] = QLinearMatMul.Requantize<T>(c[m * g.N + n], QLinearMatMul.Multiplier(sa, sb, yScale), yZero);
                }
            }
        }
    }
}
