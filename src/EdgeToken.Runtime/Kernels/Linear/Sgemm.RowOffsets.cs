using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Linear;

public static partial class Sgemm
{
    /// <summary>One MR x NR tile of C += A * B where A is a packed panel (<see cref="PackA"/>, full depth k) and B is
    /// not packed: its row p is the NR floats at <c>b + rowOffsets[p]</c>. A convolution with unit strides reads its
    /// column matrix this way straight out of a zero-padded input (row p = one kernel tap, shifted), so it needs no
    /// im2col copy. Rows past <paramref name="rows"/> and columns past <paramref name="cols"/> are computed but not
    /// stored; all NR floats of every B row must be readable. <paramref name="tile"/> (MR x NR floats) holds a
    /// partial tile on its way to C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void MultiplyAddRowOffsets(float* a, float* b, int* rowOffsets, int k, float* c, int ldc, int rows, int cols, float* tile)
    {
        if (Vector256.IsHardwareAccelerated) TileOffsets256(a, b, rowOffsets, k, c, ldc, rows, cols, tile, null, 0f);
        else if (Vector128.IsHardwareAccelerated) TileOffsets128(a, b, rowOffsets, k, c, ldc, rows, cols, tile, null, 0f);
        else RowOffsetsReference(a, b, rowOffsets, k, c, ldc, rows, cols);
    }

    /// <summary>Like <see cref="MultiplyAddRowOffsets"/>, but stores <c>C = max(A * B + rowBias[row], floor)</c>
    /// instead of adding: a convolution's bias and a fused Relu (floor 0; no activation: floor -infinity) applied
    /// while the tile is in registers, so the output is written once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void MultiplyRowOffsets(float* a, float* b, int* rowOffsets, int k, float* c, int ldc, int rows, int cols, float* tile,
        float* rowBias, float floor)
    {
        if (Vector256.IsHardwareAccelerated) TileOffsets256(a, b, rowOffsets, k, c, ldc, rows, cols, tile, rowBias, floor);
        else if (Vector128.IsHardwareAccelerated) TileOffsets128(a, b, rowOffsets, k, c, ldc, rows, cols, tile, rowBias, floor);
        else
        {
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++) c[(long)r * ldc + j] = 0f;
            RowOffsetsReference(a, b, rowOffsets, k, c, ldc, rows, cols);
            StoreTile(c, ldc, c, ldc, rows, cols, rowBias, floor);
        }
    }

    /// <summary>C = max(tile + rowBias[row], floor) over a partial tile.</summary>
    private static unsafe void StoreTile(float* tile, int ldt, float* c, int ldc, int rows, int cols, float* rowBias, float floor)
    {
        for (int r = 0; r < rows; r++)
        {
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var b = Vector256.Create(rowBias[r]);
                var f = Vector256.Create(floor);
                for (; j + 8 <= cols; j += 8)
                    Vector256.Max(Vector256.Load(tile + (long)r * ldt + j) + b, f).Store(c + (long)r * ldc + j);
            }
            for (; j < cols; j++) c[(long)r * ldc + j] = MathF.Max(tile[(long)r * ldt + j] + rowBias[r], floor);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store256(float* c, Vector256<float> lo, Vector256<float> hi, float bias, Vector256<float> floor)
    {
        var b = Vector256.Create(bias);
        Vector256.Max(lo + b, floor).Store(c);
        Vector256.Max(hi + b, floor).Store(c + 8);
    }

    /// <summary>The scalar definition <see cref="MultiplyAddRowOffsets"/> is tested against.</summary>
    internal static unsafe void RowOffsetsReference(float* a, float* b, int* rowOffsets, int k, float* c, int ldc, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += a[p * MR + r] * b[rowOffsets[p] + j];
                c[(long)r * ldc + j] += sum;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TileOffsets256(float* a, float* b, int* rowOffsets, int k, float* c, int ldc, int rows, int cols, float* tile,
        float* rowBias, float floor)
    {
        if (cols <= 8)
        {
            NarrowOffsets256(a, b, rowOffsets, k, c, ldc, rows, cols, tile, rowBias, floor);
            return;
        }
        if (rows <= 3)
        {
            ShortOffsets256(a, b, rowOffsets, k, c, ldc, rows, cols, tile, rowBias, floor);
            return;
        }
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < k; p++, a += MR)
        {
            float* row = b + rowOffsets[p];
            var b0 = Vector256.Load(row);
            var b1 = Vector256.Load(row + 8);
            var av = Vector256.Create(a[0]); c00 = Fmadd(av, b0, c00); c01 = Fmadd(av, b1, c01);
            av = Vector256.Create(a[1]); c10 = Fmadd(av, b0, c10); c11 = Fmadd(av, b1, c11);
            av = Vector256.Create(a[2]); c20 = Fmadd(av, b0, c20); c21 = Fmadd(av, b1, c21);
            av = Vector256.Create(a[3]); c30 = Fmadd(av, b0, c30); c31 = Fmadd(av, b1, c31);
            av = Vector256.Create(a[4]); c40 = Fmadd(av, b0, c40); c41 = Fmadd(av, b1, c41);
            av = Vector256.Create(a[5]); c50 = Fmadd(av, b0, c50); c51 = Fmadd(av, b1, c51);
        }
        if (rows == MR && cols == NR)
        {
            if (rowBias == null)
            {
                Add256(c, c00, c01); Add256(c + ldc, c10, c11); Add256(c + 2L * ldc, c20, c21);
                Add256(c + 3L * ldc, c30, c31); Add256(c + 4L * ldc, c40, c41); Add256(c + 5L * ldc, c50, c51);
                return;
            }
            var f = Vector256.Create(floor);
            Store256(c, c00, c01, rowBias[0], f); Store256(c + ldc, c10, c11, rowBias[1], f); Store256(c + 2L * ldc, c20, c21, rowBias[2], f);
            Store256(c + 3L * ldc, c30, c31, rowBias[3], f); Store256(c + 4L * ldc, c40, c41, rowBias[4], f); Store256(c + 5L * ldc, c50, c51, rowBias[5], f);
            return;
        }
        c00.Store(tile); c01.Store(tile + 8); c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40); c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72); c50.Store(tile + 80); c51.Store(tile + 88);
        if (rowBias == null) AddTile(tile, c, ldc, rows, cols);
        else StoreTile(tile, NR, c, ldc, rows, cols, rowBias, floor);
    }

    /// <summary>The last panel of an M that is not a multiple of MR, with at most three rows (M = 32 leaves two):
    /// only those rows are multiplied, with k unrolled by two into separate sums so twelve independent chains still
    /// keep both FMA pipes busy. Half the work of running the full six-row tile on zero rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ShortOffsets256(float* a, float* b, int* rowOffsets, int k, float* c, int ldc, int rows, int cols, float* tile,
        float* rowBias, float floor)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> d00 = default, d01 = default, d10 = default, d11 = default, d20 = default, d21 = default;
        int p = 0;
        for (; p + 1 < k; p += 2, a += 2 * MR)
        {
            float* r0 = b + rowOffsets[p];
            float* r1 = b + rowOffsets[p + 1];
            var b0 = Vector256.Load(r0);
            var b1 = Vector256.Load(r0 + 8);
            var e0 = Vector256.Load(r1);
            var e1 = Vector256.Load(r1 + 8);
            var av = Vector256.Create(a[0]); c00 = Fmadd(av, b0, c00); c01 = Fmadd(av, b1, c01);
            av = Vector256.Create(a[1]); c10 = Fmadd(av, b0, c10); c11 = Fmadd(av, b1, c11);
            av = Vector256.Create(a[2]); c20 = Fmadd(av, b0, c20); c21 = Fmadd(av, b1, c21);
            av = Vector256.Create(a[MR]); d00 = Fmadd(av, e0, d00); d01 = Fmadd(av, e1, d01);
            av = Vector256.Create(a[MR + 1]); d10 = Fmadd(av, e0, d10); d11 = Fmadd(av, e1, d11);
            av = Vector256.Create(a[MR + 2]); d20 = Fmadd(av, e0, d20); d21 = Fmadd(av, e1, d21);
        }
        if (p < k)
        {
            float* r0 = b + rowOffsets[p];
            var b0 = Vector256.Load(r0);
            var b1 = Vector256.Load(r0 + 8);
            var av = Vector256.Create(a[0]); c00 = Fmadd(av, b0, c00); c01 = Fmadd(av, b1, c01);
            av = Vector256.Create(a[1]); c10 = Fmadd(av, b0, c10); c11 = Fmadd(av, b1, c11);
            av = Vector256.Create(a[2]); c20 = Fmadd(av, b0, c20); c21 = Fmadd(av, b1, c21);
        }
        (c00 + d00).Store(tile); (c01 + d01).Store(tile + 8);
        (c10 + d10).Store(tile + 16); (c11 + d11).Store(tile + 24);
        (c20 + d20).Store(tile + 32); (c21 + d21).Store(tile + 40);
        if (rowBias == null) AddTile(tile, c, ldc, rows, cols);
        else StoreTile(tile, NR, c, ldc, rows, cols, rowBias, floor);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TileOffsets128(float* a, float* b, int* rowOffsets, int k, float* c, int ldc, int rows, int cols, float* tile,
        float* rowBias, float floor)
    {
        // The ARM64 shape of Tile128: 24 accumulators out of 32 vector registers.
        Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector128<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector128<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector128<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector128<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector128<float> c50 = default, c51 = default, c52 = default, c53 = default;
        for (int p = 0; p < k; p++, a += MR)
        {
            float* row = b + rowOffsets[p];
            var b0 = Vector128.Load(row);
            var b1 = Vector128.Load(row + 4);
            var b2 = Vector128.Load(row + 8);
            var b3 = Vector128.Load(row + 12);
            var av = Vector128.Create(a[0]); c00 = Fmadd(av, b0, c00); c01 = Fmadd(av, b1, c01); c02 = Fmadd(av, b2, c02); c03 = Fmadd(av, b3, c03);
            av = Vector128.Create(a[1]); c10 = Fmadd(av, b0, c10); c11 = Fmadd(av, b1, c11); c12 = Fmadd(av, b2, c12); c13 = Fmadd(av, b3, c13);
            av = Vector128.Create(a[2]); c20 = Fmadd(av, b0, c20); c21 = Fmadd(av, b1, c21); c22 = Fmadd(av, b2, c22); c23 = Fmadd(av, b3, c23);
            av = Vector128.Create(a[3]); c30 = Fmadd(av, b0, c30); c31 = Fmadd(av, b1, c31); c32 = Fmadd(av, b2, c32); c33 = Fmadd(av, b3, c33);
            av = Vector128.Create(a[4]); c40 = Fmadd(av, b0, c40); c41 = Fmadd(av, b1, c41); c42 = Fmadd(av, b2, c42); c43 = Fmadd(av, b3, c43);
            av = Vector128.Create(a[5]); c50 = Fmadd(av, b0, c50); c51 = Fmadd(av, b1, c51); c52 = Fmadd(av, b2, c52); c53 = Fmadd(av, b3, c53);
        }
        c00.Store(tile); c01.Store(tile + 4); c02.Store(tile + 8); c03.Store(tile + 12);
        c10.Store(tile + 16); c11.Store(tile + 20); c12.Store(tile + 24); c13.Store(tile + 28);
        c20.Store(tile + 32); c21.Store(tile + 36); c22.Store(tile + 40); c23.Store(tile + 44);
        c30.Store(tile + 48); c31.Store(tile + 52); c32.Store(tile + 56); c33.Store(tile + 60);
        c40.Store(tile + 64); c41.Store(tile + 68); c42.Store(tile + 72); c43.Store(tile + 76);
        c50.Store(tile + 80); c51.Store(tile + 84); c52.Store(tile + 88); c53.Store(tile + 92);
        if (rowBias == null) AddTile(tile, c, ldc, rows, cols);
        else StoreTile(tile, NR, c, ldc, rows, cols, rowBias, floor);
    }
}
