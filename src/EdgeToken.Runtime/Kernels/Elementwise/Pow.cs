using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Pow: y = a ^ b with numpy broadcasting. The exponent may have another numeric type than the base;
/// the output has the base's type.</summary>
/// <remarks>Numbers follow numpy, which the ONNX tests were generated with: float32 ^ float32 in single
/// precision (powf); any other float mix in double then cast; integer ^ integer exactly, by squaring, with
/// two's-complement wrap; integer ^ float in double, truncated back.</remarks>
public static class Pow
{
    /// <summary>The reference every path is tested against (same-shape float operands).</summary>
    public static void Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        for (int i = 0; i < a.Length; i++) y[i] = MathF.Pow(a[i], b[i]);
    }

    /// <summary>One element, any base and exponent type.</summary>
    public static TBase Power<TBase, TExp>(TBase x, TExp e)
        where TBase : unmanaged, INumber<TBase> where TExp : unmanaged, INumber<TExp>
    {
        if (typeof(TBase) == typeof(float) && typeof(TExp) == typeof(float))
        {
            float r = MathF.Pow(Unsafe.As<TBase, float>(ref x), Unsafe.As<TExp, float>(ref e));
            return Unsafe.As<float, TBase>(ref r);
        }
        if (IsInteger<TBase>() && IsInteger<TExp>())
            return IntegerPower(x, long.CreateTruncating(e));
        return TBase.CreateTruncating(Math.Pow(double.CreateTruncating(x), double.CreateTruncating(e)));
    }

    private static TBase IntegerPower<TBase>(TBase x, long n) where TBase : unmanaged, INumber<TBase>
    {
        if (n < 0)
        {
            // 1/x^n truncated: only ±1 survive (numpy refuses negative integer powers; this is C's answer).
            if (x == TBase.One) return TBase.One;
            if (IsMinusOne(x)) return (n & 1) == 0 ? TBase.One : x;
            return TBase.Zero;
        }
        TBase result = TBase.One, square = x;
        while (n != 0)
        {
            if ((n & 1) != 0) result *= square;
            square *= square;
            n >>= 1;
        }
        return result;
    }

    private static bool IsMinusOne<TBase>(TBase x) where TBase : INumber<TBase> => TBase.IsNegative(x) && x + TBase.One == TBase.Zero;

    private static bool IsInteger<T>() =>
        typeof(T) == typeof(sbyte) || typeof(T) == typeof(short) || typeof(T) == typeof(int) || typeof(T) == typeof(long) ||
        typeof(T) == typeof(byte) || typeof(T) == typeof(ushort) || typeof(T) == typeof(uint) || typeof(T) == typeof(ulong);
}

/// <summary>x^2 as x·x: the exponent of Pow in decomposed LayerNorm/RMSNorm graphs, worth a vector path.</summary>
internal readonly struct SquareOp : IBinaryOp<float>
{
    public static bool Vectorizable => true;
    public float Invoke(float a, float b) => a * a;
    public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a * a;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * a;
    public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a * a;
}

internal sealed class PowOperator : OperatorDefinition
{
    private static readonly ElementType[] BaseTypes =
        [ElementType.Float32, ElementType.Float64, ElementType.Float16, ElementType.Int32, ElementType.Int64];

    private static readonly ElementType[] ExponentTypes =
    [
        ElementType.Float32, ElementType.Float64, ElementType.Float16,
        ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
        ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64,
    ];

    public override string OpType => "Pow";

    public override void InferOutputs(NodeContext node)
    {
        var type = node.ExpectType(0, BaseTypes);
        node.ExpectType(1, ExponentTypes);
        node.SetOutput(0, type, Shape.Broadcast(node.Input(0).Dims, node.Input(1).Dims));
    }

    public override int InPlaceInput(NodeContext node) =>
        node.Input(0).Dims.AsSpan().SequenceEqual(node.Output(0).Dims) ? 0 : -1;

    public override Kernel CreateKernel(NodeContext node)
    {
        var plan = BroadcastPlan.Create(node.Input(0).Dims, node.Input(1).Dims, node.Output(0).Dims);
        var baseType = node.Input(0).Type;
        var expType = node.Input(1).Type;
        if (baseType == ElementType.Float32 && expType == ElementType.Float32 && node.Constant(1) is { ElementCount: 1 } c && c.ElementAsDouble(0) == 2.0)
            return new BroadcastBinaryKernel<float, SquareOp>(plan, default);
        return baseType switch
        {
            ElementType.Float32 => ForBase<float>(plan, expType),
            ElementType.Float64 => ForBase<double>(plan, expType),
            ElementType.Float16 => ForBase<Half>(plan, expType),
            ElementType.Int32 => ForBase<int>(plan, expType),
            _ => ForBase<long>(plan, expType),
        };
    }

    private static Kernel ForBase<TBase>(BroadcastPlan plan, ElementType expType) where TBase : unmanaged, INumber<TBase> => expType switch
    {
        ElementType.Float32 => new PowKernel<TBase, float>(plan),
        ElementType.Float64 => new PowKernel<TBase, double>(plan),
        ElementType.Float16 => new PowKernel<TBase, Half>(plan),
        ElementType.Int8 => new PowKernel<TBase, sbyte>(plan),
        ElementType.Int16 => new PowKernel<TBase, short>(plan),
        ElementType.Int32 => new PowKernel<TBase, int>(plan),
        ElementType.Int64 => new PowKernel<TBase, long>(plan),
        ElementType.UInt8 => new PowKernel<TBase, byte>(plan),
        ElementType.UInt16 => new PowKernel<TBase, ushort>(plan),
        ElementType.UInt32 => new PowKernel<TBase, uint>(plan),
        _ => new PowKernel<TBase, ulong>(plan),
    };

    /// <summary>Scalar loop over the broadcast plan: pow has no vector instruction, and the operands may
    /// have different element types, so the shared same-type driver does not apply.</summary>
    private sealed class PowKernel<TBase, TExp>(BroadcastPlan plan) : Kernel
        where TBase : unmanaged, INumber<TBase> where TExp : unmanaged, INumber<TExp>
    {
        private readonly int _stepA = plan.Run is InnerRun.BothVectors or InnerRun.ScalarB ? 1 : 0;
        private readonly int _stepB = plan.Run is InnerRun.BothVectors or InnerRun.ScalarA ? 1 : 0;

        public override void Run(in KernelArgs args)
        {
            var a = args.Input<TBase>(0);
            var b = args.Input<TExp>(1);
            var y = args.Output<TBase>(0);
            var cursor = new BroadcastCursor(plan, stackalloc int[plan.OuterRank]);
            int inner = plan.Inner, offY = 0;
            for (long o = 0; o < plan.OuterCount; o++)
            {
                int offA = cursor.OffsetA, offB = cursor.OffsetB;
                for (int i = 0; i < inner; i++)
                    y[offY + i] = Pow.Power(a[offA + i * _stepA], b[offB + i * _stepB]);
                offY += inner;
                cursor.MoveNext();
            }
        }
    }
}
