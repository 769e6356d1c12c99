using System.Numerics;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

internal readonly struct MaxOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => true;
    public T Invoke(T a, T b) => T.IsNaN(a) || T.IsNaN(b) ? (T.IsNaN(a) ? a : b) : T.Max(a, b);
    public Vector128<T> Invoke(Vector128<T> a, Vector128<T> b) => Vector128.Max(a, b);
    public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.Max(a, b);
    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);
}

internal readonly struct MinOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => true;
    public T Invoke(T a, T b) => T.IsNaN(a) || T.IsNaN(b) ? (T.IsNaN(a) ? a : b) : T.Min(a, b);
    public Vector128<T> Invoke(Vector128<T> a, Vector128<T> b) => Vector128.Min(a, b);
    public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => Vector256.Min(a, b);
    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => Vector512.Min(a, b);
}

/// <summary>
/// Max, Min, Sum and Mean: element-wise over one or more inputs with numpy broadcasting. tf2onnx writes
/// Keras' <c>maximum</c> as Max, and model exporters use Sum/Mean to merge branches.
/// </summary>
/// <remarks>Runs as a chain of binary steps, y = op(x0, x1), then y = op(y, xi). That needs the first pair
/// to broadcast to the final shape already (true for every exporter output seen: a tensor and constants);
/// other combinations are reported as unsupported rather than computed wrongly.</remarks>
internal sealed class VariadicOperator(string opType) : OperatorDefinition
{
    private static readonly ElementType[] Types =
    [
        ElementType.Float32, ElementType.Float64, ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
        ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64,
    ];

    public override string OpType => opType;

    public override void InferOutputs(NodeContext node)
    {
        if (node.InputCount == 0) throw new ShapeException($"{OpType} '{node.NodeName}' needs at least one input");
        var type = node.ExpectType(0, Types);
        if (OpType == "Mean" && !type.IsFloatingPoint())
            throw new UnsupportedOperatorException($"Mean '{node.NodeName}': element type {type.OnnxName()}");
        int[] dims = node.Input(0).Dims;
        for (int i = 1; i < node.InputCount; i++)
        {
            if (node.Input(i).Type != type) throw new ShapeException($"{OpType} '{node.NodeName}': inputs must share one type");
            dims = Shape.Broadcast(dims, node.Input(i).Dims);
        }
        if (node.InputCount > 2 && !Shape.Broadcast(node.Input(0).Dims, node.Input(1).Dims).AsSpan().SequenceEqual(dims))
            throw new UnsupportedOperatorException($"{OpType} '{node.NodeName}': the first two inputs must broadcast to the output shape");
        node.SetOutput(0, type, dims);
    }

    public override int InPlaceInput(NodeContext node) => node.InputCount == 2 ? BroadcastBinaryOperator.FullShapeInput(node) : -1;

    public override Kernel CreateKernel(NodeContext node) => node.Output(0).Type switch
    {
        ElementType.Float32 => Create<float>(node),
        ElementType.Float64 => Create<double>(node),
        ElementType.Int8 => Create<sbyte>(node),
        ElementType.Int16 => Create<short>(node),
        ElementType.Int32 => Create<int>(node),
        ElementType.Int64 => Create<long>(node),
        ElementType.UInt8 => Create<byte>(node),
        ElementType.UInt16 => Create<ushort>(node),
        ElementType.UInt32 => Create<uint>(node),
        ElementType.UInt64 => Create<ulong>(node),
        var t => throw new UnsupportedOperatorException($"{OpType} '{node.NodeName}': element type {t.OnnxName()}"),
    };

    private Kernel Create<T>(NodeContext node) where T : unmanaged, INumber<T>
    {
        var output = node.Output(0).Dims;
        var plans = new BroadcastPlan[Math.Max(node.InputCount - 1, 0)];
        if (plans.Length > 0) plans[0] = BroadcastPlan.Create(node.Input(0).Dims, node.Input(1).Dims, output);
        for (int i = 2; i < node.InputCount; i++) plans[i - 1] = BroadcastPlan.Create(output, node.Input(i).Dims, output);
        T scale = T.One / T.CreateChecked(node.InputCount);
        return OpType switch
        {
            "Max" => new VariadicKernel<T, MaxOp<T>>(plans, default, T.One, false),
            "Min" => new VariadicKernel<T, MinOp<T>>(plans, default, T.One, false),
            "Sum" => new VariadicKernel<T, AddOp<T>>(plans, default, T.One, false),
            _ => new VariadicKernel<T, AddOp<T>>(plans, default, scale, true),
        };
    }
}

internal sealed class VariadicKernel<T, TOp>(BroadcastPlan[] plans, TOp op, T scale, bool average) : Kernel
    where T : unmanaged, INumber<T> where TOp : struct, IBinaryOp<T>
{
    public override void Run(in KernelArgs args)
    {
        var y = args.Output<T>(0);
        if (plans.Length == 0)
        {
            if (!args.SharesBuffer(0, 0)) args.Input<T>(0).CopyTo(y);
        }
        else
        {
            BinaryDriver.Run(plans[0], args.Input<T>(0), args.Input<T>(1), y, op);
            for (int i = 1; i < plans.Length; i++) BinaryDriver.Run(plans[i], y, args.Input<T>(i + 1), y, op);
        }
        if (average)
            for (int i = 0; i < y.Length; i++) y[i] *= scale;
    }
}
