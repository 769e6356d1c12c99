using System.Numerics;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Sub: y = a - b with numpy broadcasting, for every numeric type (float32 vectorised).</summary>
public static class Sub
{
    /// <summary>The reference every vector path is tested against (same-shape operands).</summary>
    public static void Scalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        for (int i = 0; i < a.Length; i++) y[i] = a[i] - b[i];
    }

    /// <summary>Same-shape operands, widest vectors first.</summary>
    public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) =>
        BinaryDriver.VectorVector(a, b, y, default(SubOp<float>));

    /// <summary>B is one value (a scalar operand, or a broadcast run).</summary>
    public static void Run(ReadOnlySpan<float> a, float b, Span<float> y) =>
        BinaryDriver.VectorScalar(a, b, y, default(SubOp<float>));

    /// <summary>A is one value.</summary>
    public static void Run(float a, ReadOnlySpan<float> b, Span<float> y) =>
        BinaryDriver.ScalarVector(a, b, y, default(SubOp<float>));
}

internal readonly struct SubOp<T> : IBinaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => true;
    public T Invoke(T a, T b) => a - b;
    public Vector128<T> Invoke(Vector128<T> a, Vector128<T> b) => a - b;
    public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a - b;
    public Vector512<T> Invoke(Vector512<T> a, Vector512<T> b) => a - b;
}

internal sealed class SubOperator : BroadcastBinaryOperator
{
    public override string OpType => "Sub";

    protected override Kernel Create<T>(BroadcastPlan plan) => new BroadcastBinaryKernel<T, SubOp<T>>(plan, default);
}
