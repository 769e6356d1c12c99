using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>One element-wise binary operation at every width: a scalar form and a Vector128/256/512 form
/// that <see cref="BinaryDriver"/> specialises over. Implemented by small structs so the JIT inlines them;
/// instance fields carry parameters (PRelu has none, but the shape allows it).</summary>
internal interface IBinaryOp<T> where T : unmanaged
{
    /// <summary>False when the vector forms must not be used for this T (no hardware support, or a
    /// scalar-only rule such as integer division by zero).</summary>
    static abstract bool Vectorizable { get; }

    T Invoke(T a, T b);
    Vector128<T> Invoke(Vector128<T> a, Vector128<T> b);
    Vector256<T> Invoke(Vector256<T> a, Vector256<T> b);
    Vector512<T> Invoke(Vector512<T> a, Vector512<T> b);
}
