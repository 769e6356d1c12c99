using System.Numerics;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Neg: y = -x for float and signed integer types (-MIN wraps to MIN, as in numpy).</summary>
public static class Neg
{
    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = -x[i];
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y) => UnaryDriver.Run(x, y, default(NegOp<float>));
}

internal readonly struct NegOp<T> : IUnaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => true;
    public T Invoke(T x) => -x;
    public Vector128<T> Invoke(Vector128<T> x) => -x;
    public Vector256<T> Invoke(Vector256<T> x) => -x;
    public Vector512<T> Invoke(Vector512<T> x) => -x;
}

internal sealed class NegOperator : UnaryNumericOperator
{
    private static readonly ElementType[] s_types =
    [
        ElementType.Float32, ElementType.Float64, ElementType.Float16,
        ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
    ];

    public override string OpType => "Neg";
    protected override ElementType[] Types => s_types;
    protected override Kernel Create<T>() => new UnaryKernel<T, NegOp<T>>(default);
}
