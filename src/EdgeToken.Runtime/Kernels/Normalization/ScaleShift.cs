using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Normalization;

/// <summary>y = x · a + b with scalar a and b: the last step of every per-channel normalisation once its
/// statistics are folded into one multiplier and one offset.</summary>
public static class ScaleShift
{
    public static void Scalar(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * a + b;
    }

    public static void Run(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("output shorter than input");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xs, (nuint)i), va, vb).StoreUnsafe(ref ys, (nuint)i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var va = Vector128.Create(a);
            var vb = Vector128.Create(b);
            for (; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
                Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref xs, (nuint)i), va, vb).StoreUnsafe(ref ys, (nuint)i);
        }
        for (; i < x.Length; i++) Unsafe.Add(ref ys, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref xs, i), a, b);
    }
}
