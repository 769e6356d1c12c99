using System.Numerics;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>PRelu: y = x for x ≥ 0, slope·x below, with the slope broadcast to X's shape (unidirectional
/// broadcasting: typically one slope per channel, [C,1,1]).</summary>
public static class PRelu
{
    /// <summary>The reference every vector path is tested against (a slope per element).</summary>
    public static void Scalar(ReadOnlySpan<float> x, ReadOnlySpan<float> slope, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] < 0f ? slope[i] * x[i] : x[i];
    }

    /// <summary>A slope per element.</summary>
    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> slope, Span<float> y) =>
        BinaryDriver.VectorVector(x, slope, y, default(PReluOp<float>));

    /// <summary>One slope for the whole run (a channel's plane).</summary>
    public static void Run(ReadOnlySpan<float> x, float slope, Span<float> y) =>
        BinaryDriver.VectorScalar(x, slope, y, default(PReluOp<float>));
}

internal readonly struct PReluOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => true;
    public T Invoke(T x, T slope) => x < T.Zero ? slope * x : x;
    public Vector128<T> Invoke(Vector128<T> x, Vector128<T> slope) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<T>.Zero), slope * x, x);
    public Vector256<T> Invoke(Vector256<T> x, Vector256<T> slope) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), slope * x, x);
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> slope) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), slope * x, x);
}

internal sealed class PReluOperator : OperatorDefinition
{
    private static readonly ElementType[] s_types =
        [ElementType.Float32, ElementType.Float64, ElementType.Float16, ElementType.Int32, ElementType.Int64, ElementType.UInt32, ElementType.UInt64];

    public override string OpType => "PRelu";

    public override void InferOutputs(NodeContext node)
    {
        var type = node.ExpectType(0, s_types);
        var x = node.Input(0);
        var slope = node.Input(1);
        if (slope.Type != type)
            throw new ShapeException($"PRelu '{node.NodeName}': slope is {slope.Type.OnnxName()} but X is {type.OnnxName()}");
        if (slope.Rank > x.Rank || !Shape.Broadcast(x.Dims, slope.Dims).AsSpan().SequenceEqual(x.Dims))
            throw new ShapeException($"PRelu '{node.NodeName}': slope {Shape.Format(slope.Dims)} does not broadcast to X {Shape.Format(x.Dims)}");
        node.SetOutput(0, type, x.Dims);
    }

    public override int InPlaceInput(NodeContext node) => 0;

    public override Kernel CreateKernel(NodeContext node)
    {
        var plan = BroadcastPlan.Create(node.Input(0).Dims, node.Input(1).Dims, node.Input(0).Dims);
        return node.Input(0).Type switch
        {
            ElementType.Float32 => new BroadcastBinaryKernel<float, PReluOp<float>>(plan, default),
            ElementType.Float64 => new BroadcastBinaryKernel<double, PReluOp<double>>(plan, default),
            ElementType.Float16 => new BroadcastBinaryKernel<Half, PReluOp<Half>>(plan, default),
            ElementType.Int32 => new BroadcastBinaryKernel<int, PReluOp<int>>(plan, default),
            ElementType.Int64 => new BroadcastBinaryKernel<long, PReluOp<long>>(plan, default),
            ElementType.UInt32 => new BroadcastBinaryKernel<uint, PReluOp<uint>>(plan, default),
            _ => new BroadcastBinaryKernel<ulong, PReluOp<ulong>>(plan, default),
        };
    }
}
