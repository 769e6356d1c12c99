using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>float GEMM on N:M weights (<see cref="NmSparse"/>): <c>y[i, r] = Σ_j x[i, column(j)] · values[r, j]</c>,
/// zeros skipped; the float counterpart of <see cref="SparseInt8Gemm"/> (gather once per panel, then dense dots).</summary>
public static class SparseGemm
{
    public static void Scalar(ReadOnlySpan<float> x, ReadOnlySpan<float> values, ReadOnlySpan<byte> indices, Span<float> y,
        int m, int k, int rows, int n, int mOf, int panel)
    {
        int kept = NmSparse.Kept(k, n, mOf);
        for (int i = 0; i < m; i++)
            for (int r = 0; r < rows; r++)
            {
                float sum = 0;
                for (int j = 0; j < kept; j++)
                    sum += x[i * k + NmSparse.Column(indices, r / panel, j, kept, n, mOf)] * values[r * kept + j];
                y[i * rows + r] = sum;
            }
    }

    /// <summary>Floats of scratch <see cref="Run"/> needs.</summary>
    public static int ScratchFloats(int k, int n, int mOf) => NmSparse.Kept(k, n, mOf) + NmGather.Slack;

    /// <summary>Gather (vpermps when AVX2 is there) + Vector256/Vector128 dot products; <paramref name="simd"/> false runs
    /// the scalar gather and dot (the reference order of additions differs, so compare with a tolerance).</summary>
    public static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> values, ReadOnlySpan<byte> indices, ReadOnlySpan<byte> control,
        Span<float> y, int m, int k, int rows, int n, int mOf, int panel, Span<float> scratch, bool simd = true)
    {
        int kept = NmSparse.Kept(k, n, mOf), perPanel = k / NmGather.FloatBlock * NmGather.FloatBlock;
        if (scratch.Length < ScratchFloats(k, n, mOf)) throw new ArgumentException($"sparse GEMM: scratch of {scratch.Length} floats, needs {ScratchFloats(k, n, mOf)}");
        for (int i = 0; i < m; i++)
        {
            var xi = x.Slice(i * k, k);
            for (int p = 0, r0 = 0; r0 < rows; p++, r0 += panel)
            {
                int count = Math.Min(panel, rows - r0);
                if (simd) NmGather.Float(xi, indices, control.Slice(p * perPanel), p, k, n, mOf, scratch);
                else NmGather.Scalar(xi, indices, p, k, n, mOf, scratch);
                var g = scratch[..kept];
                for (int r = 0; r < count; r++)
                    y[i * rows + r0 + r] = simd ? Dot(g, values.Slice((r0 + r) * kept, kept)) : DotScalar(g, values.Slice((r0 + r) * kept, kept));
            }
        }
    }

    private static float DotScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Two Vector256 accumulators (FMA where the JIT has it), then Vector128, then the scalar tail.</summary>
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float x = ref MemoryMarshal.GetReference(a);
        ref float w = ref MemoryMarshal.GetReference(b);
        int i = 0, len = a.Length;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && len >= 16)
        {
            var s0 = Vector256<float>.Zero;
            var s1 = Vector256<float>.Zero;
            for (; i <= len - 16; i += 16)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref w, (nuint)i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)(i + 8)), Vector256.LoadUnsafe(ref w, (nuint)(i + 8)), s1);
            }
            sum = Vector256.Sum(s0 + s1);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128<float>.Zero;
            for (; i <= len - 4; i += 4) s += Vector128.LoadUnsafe(ref x, (nuint)i) * Vector128.LoadUnsafe(ref w, (nuint)i);
            sum += Vector128.Sum(s);
        }
        for (; i < len; i++) sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref w, i);
        return sum;
    }
}
