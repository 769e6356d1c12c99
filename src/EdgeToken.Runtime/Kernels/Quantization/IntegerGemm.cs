using System.Numerics;
using System.Numerics.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>The int32-accumulating product behind MatMulInteger, QLinearMatMul, ConvInteger and QLinearConv:
/// both operands have their zero points subtracted into int32 first, so the inner loop is a plain
/// row += a[m, k] * b[k, :] over int32 lanes.</summary>
public static class IntegerGemm
{
    /// <summary>Reference: c[m, n] = sum_k a[m, k] * b[k, n], written out.</summary>
    public static void Scalar(ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int sum = 0;
                for (int p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
                c[i * n + j] = sum;
            }
    }

    /// <summary>c[m, n] = sum_k a[m, k] * b[k, n], row by row with vector multiply-adds (zero a values are skipped:
    /// padded im2col columns and zero-point-valued inputs are common).</summary>
    public static void Run(ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            row.Clear();
            var ar = a.Slice(i * k, k);
            for (int p = 0; p < k; p++)
            {
                int v = ar[p];
                if (v != 0) TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), v, row, row);
            }
        }
    }

    /// <summary>values - zero point as int32, for a matrix of <paramref name="rows"/> x <paramref name="cols"/>. The zero
    /// point is absent, a single value, or one per row (<paramref name="rowWise"/>) or column, possibly for every batch
    /// matrix: then <paramref name="zeroPointBase"/> (batch x rows or batch x cols) picks this matrix's values.</summary>
    public static void Widen<T>(ReadOnlySpan<T> values, ReadOnlySpan<T> zeroPoint, int zeroPointBase, bool rowWise, int rows, int cols, Span<int> result)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (zeroPoint.Length <= 1)
        {
            int z = zeroPoint.IsEmpty ? 0 : int.CreateTruncating(zeroPoint[0]);
            for (int i = 0; i < rows * cols; i++) result[i] = int.CreateTruncating(values[i]) - z;
            return;
        }
        var zp = zeroPoint.Slice(zeroPointBase % zeroPoint.Length, rowWise ? rows : cols);
        for (int r = 0; r < rows; r++)
        {
            var v = values.Slice(r * cols, cols);
            var o = result.Slice(r * cols, cols);
            if (rowWise)
            {
                int z = int.CreateTruncating(zp[r]);
                for (int c = 0; c < cols; c++) o[c] = int.CreateTruncating(v[c]) - z;
            }
            else
            {
                for (int c = 0; c < cols; c++) o[c] = int.CreateTruncating(v[c]) - int.CreateTruncating(zp[c]);
            }
        }
    }
}
