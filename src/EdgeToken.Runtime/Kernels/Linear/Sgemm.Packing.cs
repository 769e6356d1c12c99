namespace EdgeToken.Runtime.Kernels.Linear;

public static partial class Sgemm
{
    /// <summary>Packs A (m x k, element (i,p) at <c>a[i*rowStride + p*colStride]</c>) into MR-row panels,
    /// multiplying by <paramref name="scale"/> (Gemm's alpha) on the way; rows past m are zero.</summary>
    public static void PackA(ReadOnlySpan<float> a, int m, int k, int rowStride, int colStride, float scale, Span<float> packed)
    {
        for (int i0 = 0; i0 < m; i0 += MR)
        {
            int rows = Math.Min(MR, m - i0);
            var panel = packed.Slice(i0 * k, MR * k);
            for (int r = 0; r < rows; r++)
            {
                int src = (i0 + r) * rowStride;
                for (int p = 0; p < k; p++) panel[p * MR + r] = a[src + p * colStride] * scale;
            }
            for (int r = rows; r < MR; r++)
                for (int p = 0; p < k; p++) panel[p * MR + r] = 0f;
        }
    }

    /// <summary>Packs B (k x n, element (p,j) at <c>b[p*rowStride + j*colStride]</c>) into NR-column panels,
    /// multiplying by <paramref name="scale"/>; columns past n are zero.</summary>
    public static void PackB(ReadOnlySpan<float> b, int k, int n, int rowStride, int colStride, float scale, Span<float> packed)
    {
        for (int j0 = 0; j0 < n; j0 += NR)
        {
            int cols = Math.Min(NR, n - j0);
            var panel = packed.Slice(j0 * k, NR * k);
            for (int p = 0; p < k; p++)
            {
                var dst = panel.Slice(p * NR, NR);
                int src = p * rowStride + j0 * colStride;
                if (colStride == 1)
                {
                    // Rows of an untransposed B are contiguous: a plain copy (the common weight layout).
                    var row = b.Slice(src, cols);
                    if (scale == 1f) row.CopyTo(dst);
                    else System.Numerics.Tensors.TensorPrimitives.Multiply(row, scale, dst);
                }
                else
                {
                    for (int j = 0; j < cols; j++) dst[j] = b[src + j * colStride] * scale;
                }
                if (cols < NR) dst.Slice(cols).Clear();
            }
        }
    }
}
