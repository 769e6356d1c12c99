using System.Numerics;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Abs: y = |x| for every numeric type. Signed integers wrap (|MIN| = MIN) as in numpy rather
/// than throw as .NET's checked Abs would; unsigned values pass through.</summary>
public static class Abs
{
    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Abs(x[i]);
    }

    public static void Run(ReadOnlySpan<float> x, Span<float> y) => UnaryDriver.Run(x, y, default(AbsOp<float>));
}

internal readonly struct AbsOp<T> : IUnaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => true;
    public T Invoke(T x) => T.IsNegative(x) ? -x : x;
    public Vector128<T> Invoke(Vector128<T> x) => Vector128.Abs(x);
    public Vector256<T> Invoke(Vector256<T> x) => Vector256.Abs(x);
    public Vector512<T> Invoke(Vector512<T> x) => Vector512.Abs(x);
}

internal sealed class AbsOperator : UnaryNumericOperator
{
    private static readonly ElementType[] s_types =
    [
        ElementType.Float32, ElementType.Float64, ElementType.Float16,
        ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
        ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64,
    ];

    public override string OpType => "Abs";
    protected override ElementType[] Types => s_types;
    protected override Kernel Create<T>() => new UnaryKernel<T, AbsOp<T>>(default);
}
