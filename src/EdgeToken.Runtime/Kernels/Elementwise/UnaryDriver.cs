using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Runs an <see cref="IUnaryOp{T}"/> over a span: widest vectors first, then narrower ones, then a
/// scalar tail. Each element is read before its own slot is written and never again, so x and y may be the
/// same memory (in-place).</summary>
internal static class UnaryDriver
{
    public static void Run<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged where TOp : struct, IUnaryOp<T>
    {
        int n = x.Length;
        if (y.Length < n) throw new ArgumentException("output shorter than input");
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    op.Invoke(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    op.Invoke(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
                for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
                    op.Invoke(Vector128.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = op.Invoke(Unsafe.Add(ref xr, i));
    }
}

/// <summary>Runs one <see cref="IUnaryOp{T}"/> from input 0 to output 0.</summary>
internal sealed class UnaryKernel<T, TOp>(TOp op) : Kernel where T : unmanaged where TOp : struct, IUnaryOp<T>
{
    public override void Run(in KernelArgs args) => UnaryDriver.Run(args.Input<T>(0), args.Output<T>(0), op);
}
