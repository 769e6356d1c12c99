using System.Numerics;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Div: y = a / b with numpy broadcasting. Floats follow IEEE (x/0 is ±inf or NaN); integers
/// truncate toward zero, as C does and as ONNX's test_div_int32_trunc expects.</summary>
public static class Div
{
    /// <summary>The reference every vector path is tested against (same-shape operands).</summary>
    public static void Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        for (int i = 0; i < a.Length; i++) y[i] = a[i] / b[i];
    }

    /// <summary>Same-shape operands, widest vectors first.</summary>
    public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) =>
        BinaryDriver.VectorVector(a, b, y, default(DivOp<float>));

    /// <summary>B is one value.</summary>
    public static void Run(ReadOnlySpan<float> a, float b, Span<float> y) =>
        BinaryDriver.VectorScalar(a, b, y, default(DivOp<float>));

    /// <summary>A is one value.</summary>
    public static void Run(float a, ReadOnlySpan<float> b, Span<float> y) =>
        BinaryDriver.ScalarVector(a, b, y, default(DivOp<float>));
}

/// <summary>Floating-point division.</summary>
internal readonly struct DivOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => true;
    public T Invoke(T a, T b) => a / b;
    public Vector128<T> Invoke(Vector128<T> a, Vector128<T> b) => a / b;
    public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a / b;
    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => a / b;
}

/// <summary>Integer division, truncating toward zero.</summary>
/// <remarks>ONNX leaves x/0 and MIN/-1 undefined; .NET would throw from inside a running plan, which on a
/// device is worse than a wrong number. So x/0 gives 0 and MIN/-1 wraps to MIN (what -MIN is in two's
/// complement). No vector form: there is no integer divide instruction to vectorise.</remarks>
internal readonly struct IntegerDivOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => false;

    public T Invoke(T a, T b)
    {
        if (b == T.Zero) return T.Zero;
        if (T.IsNegative(b) && b + T.One == T.Zero) return T.Zero - a;
        return a / b;
    }

    public Vector128<T> Invoke(Vector128<T> a, Vector128<T> b) => throw new NotSupportedException();
    public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => throw new NotSupportedException();
    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => throw new NotSupportedException();
}

internal sealed class DivOperator : BroadcastBinaryOperator
{
    public override string OpType => "Div";

    protected override Kernel Create<T>(BroadcastPlan plan) =>
        typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half)
            ? new BroadcastBinaryKernel<T, DivOp<T>>(plan, default)
            : new BroadcastBinaryKernel<T, IntegerDivOp<T>>(plan, default);
}
