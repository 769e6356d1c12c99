using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>One element-wise unary operation at every width, for <see cref="UnaryDriver"/>. Small structs
/// the JIT inlines; instance fields carry attributes such as LeakyRelu's alpha or Clip's bounds.</summary>
internal interface IUnaryOp<T> where T : unmanaged
{
    /// <summary>False when only the scalar form may be used for this T.</summary>
    static abstract bool Vectorizable { get; }

    T Invoke(T x);
    Vector128<T> Invoke(Vector128<T> x);
    Vector256<T> Invoke(Vector256<T> x);
    Vector512<T> Invoke(Vector512<T> x);
}
