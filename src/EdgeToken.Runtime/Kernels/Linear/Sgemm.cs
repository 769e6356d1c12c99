using System.Runtime.CompilerServices;

namespace EdgeToken.Runtime.Kernels.Linear;

/// <summary>Single-precision matrix multiply, the one core Gemm, MatMul, Conv and ConvTranspose share:
/// C[m,n] += A[m,k] * B[k,n] on operands packed into panels (<see cref="PackA"/>, <see cref="PackB"/>), so the micro-kernel reads
/// both sequentially whatever the original layout or transposition was.</summary>
/// <remarks>
/// Blocking: A is packed in panels of <see cref="MR"/> rows, B in panels of <see cref="NR"/> columns, each panel
/// holding the full depth k; the driver walks k in slices of <see cref="KC"/> so one B slice (KC x NR floats =
/// 16 KB) stays in L1 while every A panel streams past it from L2. MR x NR = 6 x 16 is the largest tile whose
/// accumulators (12 Vector256) plus two B vectors and one broadcast fit the 16 AVX registers; on ARM64 the same
/// tile is 24 Vector128 accumulators out of 32 registers.
/// </remarks>
public static partial class Sgemm
{
    public const int MR = 6;
    public const int NR = 16;
    public const int KC = 256;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Floats a packed A of m x k takes.</summary>
    public static int PackedASize(int m, int k) => RoundUp(m, MR) * k;

    /// <summary>Floats a packed B of k x n takes.</summary>
    public static int PackedBSize(int k, int n) => k * RoundUp(n, NR);

    /// <summary>The reference every optimised path is tested against: C[i,j] += sum_p A[i,p] * B[p,j], with
    /// element (i,p) of A at <c>a[i*aRow + p*aCol]</c> and (p,j) of B at <c>b[p*bRow + j*bCol]</c>.</summary>
    public static void Reference(int m, int n, int k, ReadOnlySpan<float> a, int aRow, int aCol,
        ReadOnlySpan<float> b, int bRow, int bCol, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += a[i * aRow + p * aCol] * b[p * bRow + j * bCol];
                c[i * ldc + j] += sum;
            }
    }

    /// <summary>Multiplies packed operands and adds the product into C (row stride <paramref name="ldc"/>).</summary>
    /// <remarks>Fully optimised from the first call (no tier-0 code): a plan's first inference is as fast as the rest.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void MultiplyAdd(ReadOnlySpan<float> packedA, ReadOnlySpan<float> packedB, int m, int n, int k, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0 || k == 0) return;
        if (packedA.Length < PackedASize(m, k) || packedB.Length < PackedBSize(k, n) || c.Length < (m - 1) * ldc + n)
            throw new ArgumentException("operand spans are smaller than the shapes say");
        float* tile = stackalloc float[MR * NR];
        fixed (float* pa = packedA)
        fixed (float* pb = packedB)
        fixed (float* pc = c)
        {
            for (int k0 = 0; k0 < k; k0 += KC)
            {
                int kc = Math.Min(KC, k - k0);
                for (int j0 = 0; j0 < n; j0 += NR)
                {
                    int cols = Math.Min(NR, n - j0);
                    float* b = pb + (long)j0 * k + (long)k0 * NR;
                    for (int i0 = 0; i0 < m; i0 += MR)
                    {
                        int rows = Math.Min(MR, m - i0);
                        float* a = pa + (long)i0 * k + (long)k0 * MR;
                        float* cTile = pc + (long)i0 * ldc + j0;
                        if (rows == 1)
                            RowKernel(a, b, kc, cTile, cols);
                        else
                            TileKernel(a, b, kc, cTile, ldc, rows, cols, tile);
                    }
                }
            }
        }
    }

    /// <summary>Packs and multiplies in one call, for callers without a scratch plan (tests, folding);
    /// allocates the packed copies.</summary>
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int aRow, int aCol,
        ReadOnlySpan<float> b, int bRow, int bCol, Span<float> c, int ldc)
    {
        var pa = new float[PackedASize(m, k)];
        var pb = new float[PackedBSize(k, n)];
        PackA(a, m, k, aRow, aCol, 1f, pa);
        PackB(b, k, n, bRow, bCol, 1f, pb);
        MultiplyAdd(pa, pb, m, n, k, c, ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddTile(float* tile, float* c, int ldc, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
                c[(long)r * ldc + j] += tile[r * NR + j];
    }
}
