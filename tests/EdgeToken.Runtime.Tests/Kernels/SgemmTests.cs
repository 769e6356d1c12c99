using EdgeToken.Runtime.Kernels.Linear;

namespace EdgeToken.Runtime.Tests.Kernels;

public class SgemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 37, 300)]   // matrix-vector, k past one KC slice
    [InlineData(5, 16, 7)]     // fewer rows than a tile
    [InlineData(6, 16, 256)]   // exactly one tile and one slice
    [InlineData(7, 17, 257)]   // one past everything
    [InlineData(13, 50, 3)]
    [InlineData(31, 33, 520)]
    [InlineData(2, 1, 9)]
    public void Packed_multiply_matches_reference(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            {
                var a = KernelAssert.Random(m * k, seed: m * 31 + k);
                var b = KernelAssert.Random(k * n, seed: n * 17 + k);
                var c0 = KernelAssert.Random(m * n, seed: 5);
                int aRow = transA ? 1 : k, aCol = transA ? m : 1, bRow = transB ? 1 : n, bCol = transB ? k : 1;
                var expected = (float[])c0.Clone();
                Sgemm.Reference(m, n, k, a, aRow, aCol, b, bRow, bCol, expected, n);
                var actual = (float[])c0.Clone();
                Sgemm.Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, actual, n);
                KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-4f);
            }
    }

    [Fact]
    public void Every_size_up_to_two_tiles_matches_reference()
    {
        for (int m = 0; m <= 13; m++)
            for (int n = 0; n <= 33; n += 1)
            {
                int k = (m * 7 + n) % 19 + 1;
                var a = KernelAssert.Random(m * k, seed: m);
                var b = KernelAssert.Random(k * n, seed: n);
                // Write into a wider C (ldc > n) to check the kernels never touch columns past n.
                int ldc = n + 3;
                var expected = new float[Math.Max(0, m * ldc)];
                var actual = new float[expected.Length];
                Sgemm.Reference(m, n, k, a, k, 1, b, n, 1, expected, ldc);
                Sgemm.Multiply(m, n, k, a, k, 1, b, n, 1, actual, ldc);
                KernelAssert.Close(expected, actual, rtol: 1e-5f, atol: 1e-5f);
            }
    }

    [Fact]
    public void Alpha_scales_through_packing()
    {
        var a = new float[] { 1, 2, 3, 4 };
        var b = new float[] { 5, 6, 7, 8 };
        var pa = new float[Sgemm.PackedASize(2, 2)];
        var pb = new float[Sgemm.PackedBSize(2, 2)];
        Sgemm.PackA(a, 2, 2, 2, 1, 0.5f, pa);
        Sgemm.PackB(b, 2, 2, 2, 1, 1f, pb);
        var c = new float[] { 1, 1, 1, 1 };
        Sgemm.MultiplyAdd(pa, pb, 2, 2, 2, c, 2);
        // 0.5 * [[19, 22], [43, 50]] + 1
        Assert.Equal(new float[] { 10.5f, 12f, 22.5f, 26f }, c);
    }

    /// <summary>The row-offset tile kernel (B read in place, one shifted row per depth step) against its scalar
    /// definition, over every partial tile shape and depths around the unroll.</summary>
    [Fact]
    public unsafe void Row_offset_tiles_match_their_scalar_reference()
    {
        var rng = new Random(77);
        for (int rows = 1; rows <= Sgemm.MR; rows++)
            for (int cols = 1; cols <= Sgemm.NR; cols++)
                foreach (int k in new[] { 0, 1, 2, 7, 40 })
                {
                    var a = KernelAssert.Random(Sgemm.MR * Math.Max(k, 1), seed: rows * 100 + k);
                    var b = KernelAssert.Random(300, seed: cols * 10 + k);
                    var offsets = new int[Math.Max(k, 1)];
                    for (int p = 0; p < k; p++) offsets[p] = rng.Next(0, 300 - Sgemm.NR);
                    int ldc = 21;
                    var expected = KernelAssert.Random(Sgemm.MR * ldc, seed: 3);
                    var actual = (float[])expected.Clone();
                    var tile = new float[Sgemm.MR * Sgemm.NR];
                    fixed (float* pa = a) fixed (float* pb = b) fixed (int* po = offsets)
                    fixed (float* pe = expected) fixed (float* pc = actual) fixed (float* pt = tile)
                    {
                        Sgemm.RowOffsetsReference(pa, pb, po, k, pe, ldc, rows, cols);
                        Sgemm.MultiplyAddRowOffsets(pa, pb, po, k, pc, ldc, rows, cols, pt);
                    }
                    KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-4f);

                    // The storing form: C = max(A * B + bias[row], floor), for a Relu floor and for none.
                    var bias = KernelAssert.Random(Sgemm.MR, seed: 9);
                    foreach (float floor in new[] { 0f, float.NegativeInfinity })
                    {
                        var product = new float[Sgemm.MR * ldc];
                        var stored = KernelAssert.Random(Sgemm.MR * ldc, seed: 4);
                        var want = (float[])stored.Clone();
                        fixed (float* pa = a) fixed (float* pb = b) fixed (int* po = offsets) fixed (float* pt = tile)
                        fixed (float* pp = product) fixed (float* ps = stored) fixed (float* pbias = bias)
                        {
                            Sgemm.RowOffsetsReference(pa, pb, po, k, pp, ldc, rows, cols);
                            Sgemm.MultiplyRowOffsets(pa, pb, po, k, ps, ldc, rows, cols, pt, pbias, floor);
                        }
                        for (int r = 0; r < rows; r++)
                            for (int j = 0; j < cols; j++) want[r * ldc + j] = Math.Max(product[r * ldc + j] + bias[r], floor);
                        KernelAssert.Close(want, stored, rtol: 1e-4f, atol: 1e-4f);
                    }
                }
    }
}
