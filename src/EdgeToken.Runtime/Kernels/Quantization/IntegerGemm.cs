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

    /// <summary>values - zeroPoint[(index * stride) % count] as int32, for a matrix of <paramref name="rows"/> x
    /// <paramref name="cols"/>; the zero point varies by row (rowWise) or by column, or is a single value.</summary>
    public static void Widen<T>(ReadOnlySpan<T> values, ReadOnlySpan<T> zeroPoint, int zeroPointBase, bool rowWise, int rows, int cols, Span<int> result)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                int z = zeroPoint.IsEmpty ? 0 : int.CreateTruncating(zeroPoint[zeroPoint.Length == 1 ? 0 : (zeroPointBase + (rowWise ? r : c)) % zeroPoint.Length]);
                result[r * cols + c] = int.CreateTruncating(values[r * cols + c]) - z;
            }
    }
}
