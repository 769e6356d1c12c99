using System.Numerics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>MatMulInteger: int32 y = (a - a_zero_point) x (b - b_zero_point), uint8/int8 operands, matmul
/// broadcasting; zero points per tensor, per row of a, per column of b.</summary>
internal sealed class MatMulIntegerOperator : OperatorDefinition
{
    public override string OpType => "MatMulInteger";

    public override void InferOutputs(NodeContext node)
    {
        var g = Geometry(node);
        node.SetOutput(0, ElementType.Int32, g.OutputDims);
    }

    public override Kernel CreateKernel(NodeContext node) =>
        new MatMulIntegerKernel(Geometry(node), node.Input(0).Type, node.Input(1).Type);

    private static MatMulGeometry Geometry(NodeContext node)
    {
        var ta = node.ExpectType(0, ElementType.UInt8, ElementType.Int8);
        var tb = node.ExpectType(1, ElementType.UInt8, ElementType.Int8);
        if (node.HasInput(2) && node.Input(2).Type != ta) throw new ShapeException($"MatMulInteger '{node.NodeName}': a_zero_point type differs from a");
        if (node.HasInput(3) && node.Input(3).Type != tb) throw new ShapeException($"MatMulInteger '{node.NodeName}': b_zero_point type differs from b");
        var g = MatMulGeometry.Create(node, node.Input(0).Dims, node.Input(1).Dims);
        MatMulGeometry.CheckParameter(node, 2, "a_zero_point", g.M, g.ABatchCount);
        MatMulGeometry.CheckParameter(node, 3, "b_zero_point", g.N, g.BBatchCount);
        return g;
    }

    private sealed class MatMulIntegerKernel(MatMulGeometry g, ElementType ta, ElementType tb) : Kernel
    {
        public override int ScratchBytes => (g.M * g.K + g.K * g.N) * sizeof(int);

        public override void Run(in KernelArgs args)
        {
            var a = args.ScratchAs<int>(0, g.M * g.K);
            var b = args.ScratchAs<int>(g.M * g.K * sizeof(int), g.K * g.N);
            var y = args.Output<int>(0);
            int mn = g.M * g.N;
            for (int i = 0; i < g.ABatch.Length; i++)
            {
                // Operands repeat across broadcast batches (a 2-D weight is the same for every batch): widen them once.
                if (i == 0 || g.ABatch[i] != g.ABatch[i - 1]) IntegerOperands.WidenA(args, 0, 2, ta, g, g.ABatch[i], a);
                if (i == 0 || g.BBatch[i] != g.BBatch[i - 1]) IntegerOperands.WidenB(args, 1, 3, tb, g, g.BBatch[i], b);
                IntegerGemm.Run(a, b, y.Slice(i * mn, mn), g.M, g.K, g.N);
            }
        }
    }
}

/// <summary>Reads one uint8/int8 matrix of a batched matmul operand, zero point subtracted, into int32.</summary>
internal static class IntegerOperands
{
    public static void WidenA(in KernelArgs args, int input, int zeroPoint, ElementType type, MatMulGeometry g, int batch, Span<int> result)
    {
        if (type == ElementType.UInt8) Widen<byte>(args, input, zeroPoint, batch, g.M, g.K, rowWise: true, result);
        else Widen<sbyte>(args, input, zeroPoint, batch, g.M, g.K, rowWise: true, result);
    }

    public static void WidenB(in KernelArgs args, int input, int zeroPoint, ElementType type, MatMulGeometry g, int batch, Span<int> result)
    {
        if (type == ElementType.UInt8) Widen<byte>(args, input, zeroPoint, batch, g.K, g.N, rowWise: false, result);
        else Widen<sbyte>(args, input, zeroPoint, batch, g.K, g.N, rowWise: false, result);
    }

    private static void Widen<T>(in KernelArgs args, int input, int zeroPoint, int batch, int rows, int cols, bool rowWise, Span<int> result)
        where T : unmanaged, IBinaryInteger<T>
    {
        int size = rows * cols;
        var values = args.Input<T>(input).Slice(batch * size, size);
        var zp = args.HasInput(zeroPoint) ? args.Input<T>(zeroPoint) : default;
        IntegerGemm.Widen(values, zp, batch * (rowWise ? rows : cols), rowWise, rows, cols, result);
    }
}
