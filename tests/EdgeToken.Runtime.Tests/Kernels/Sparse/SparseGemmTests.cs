using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;

namespace EdgeToken.Runtime.Tests.Kernels.Sparse;

public class SparseGemmTests
{
    /// <summary>A dense [rows, k] matrix with an N:M pattern shared by each panel of rows.</summary>
    private static T[] NmMatrix<T>(int rows, int k, int n, int m, int panel, int seed, Func<Random, T> next) where T : unmanaged
    {
        var random = new Random(seed);
        var w = new T[rows * k];
        for (int r0 = 0; r0 < rows; r0 += panel)
            for (int g = 0; g < k / m; g++)
            {
                var keep = Enumerable.Range(0, m).OrderBy(_ => random.Next()).Take(n).ToHashSet();
                for (int r = r0; r < Math.Min(rows, r0 + panel); r++)
                    foreach (int c in keep) w[r * k + g * m + c] = next(random);
            }
        return w;
    }

    private static sbyte NextSByte(Random r) => (sbyte)r.Next(-127, 128);

    /// <summary>N:M int8 weights [rows, k] (seeded), a batch of inputs, the compressed form and the dense product.</summary>
    private static (sbyte[] Dense, sbyte[] X, sbyte[] Values, byte[] Indices, int[] Expected) Int8Case(int rows, int k, int n, int m, int panel,
        int batch, int seed, int xSeed)
    {
        var dense = NmMatrix(rows, k, n, m, panel, seed, NextSByte);
        var x = new sbyte[batch * k];
        for (int i = 0; i < x.Length; i++) x[i] = (sbyte)new Random(i * xSeed + k).Next(-128, 128);
        Assert.True(NmSparse.TryCompress<sbyte>(dense, rows, k, n, m, panel, out var values, out var indices));
        var expected = new int[batch * rows];
        Int8Gemm.Scalar(x, dense, expected, batch, k, rows);
        return (dense, x, values, indices, expected);
    }

    /// <summary>Every int8 path of this machine with both gather blocks (the generic and the pattern's own) and its control.</summary>
    private static IEnumerable<(Int8Path Path, int Block, byte[] Control)> EveryPathAndGatherBlock(byte[] indices, int rows, int k, int n, int m, int panel)
    {
        foreach (int block in new[] { NmGather.Int8Block, NmGather.Int8BlockFor(n, m) }.Distinct())
        {
            var control = NmSparse.GatherControl(indices, rows, k, n, m, panel, block, NmGather.Int8Block);
            foreach (var path in Int8Paths.Supported()) yield return (path, block, control);
        }
    }

    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int n in new[] { 1, 2, 3 })
            foreach (int panel in new[] { 1, 3, 8 }) data.Add(n, panel);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int8_every_path_equals_the_dense_product(int n, int panel)
    {
        const int m = 4, rows = 13, batch = 2;
        for (int k = 0; k <= 400; k += 4)
        {
            var (dense, x, values, indices, expected) = Int8Case(rows, k, n, m, panel, batch, k * 7 + n, 31);
            Assert.Equal(dense, NmSparse.Decompress<sbyte>(values, indices, rows, k, n, m, panel));
            var reference = new int[batch * rows];
            SparseInt8Gemm.Scalar(x, values, indices, reference, batch, k, rows, n, m, panel);
            Assert.Equal(expected, reference);
            var scratch = new sbyte[SparseInt8Gemm.ScratchBytes(k, n, m)];
            foreach (var (path, block, control) in EveryPathAndGatherBlock(indices, rows, k, n, m, panel))
            {
                var y = new int[batch * rows];
                SparseInt8Gemm.Run(path, x, values, indices, control, y, batch, k, rows, n, m, panel, scratch, block);
                Assert.True(expected.AsSpan().SequenceEqual(y), $"path {path}, gather block {block}, k={k}, {n}:{m}, panel {panel}");
            }
        }
    }

    public static TheoryData<int, int, int> TiledShapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int n in new[] { 1, 2, 3 })
            foreach (var (panel, rows) in new[] { (8, 8), (8, 13), (8, 24), (16, 21) }) data.Add(n, panel, rows);
        return data;
    }

    [Theory]
    [MemberData(nameof(TiledShapes))]
    public void Int8_tiled_every_path_equals_the_dense_product(int n, int panel, int rows)
    {
        const int m = 4, batch = 2;
        for (int k = 0; k <= 400; k += 4)
        {
            var (_, x, values, indices, expected) = Int8Case(rows, k, n, m, panel, batch, k * 5 + n + rows, 17);
            int kept = NmSparse.Kept(k, n, m);
            var tiled = NmTiles.Tile<sbyte>(values, rows, kept);
            Assert.Equal(values, NmTiles.Untile<sbyte>(tiled, rows, kept));
            var reference = new int[batch * rows];
            SparseInt8Gemm.ScalarTiled(x, tiled, indices, reference, batch, k, rows, n, m, panel);
            Assert.Equal(expected, reference);
            var scratch = new sbyte[SparseInt8Gemm.ScratchBytes(k, n, m)];
            foreach (var (path, block, control) in EveryPathAndGatherBlock(indices, rows, k, n, m, panel))
            {
                var y = new int[batch * rows];
                SparseInt8Gemm.RunTiled(path, x, tiled, SparseInt8Gemm.RowSums(tiled, rows, kept), indices, control, y, batch, k, rows, n, m, panel, scratch, block);
                Assert.True(expected.AsSpan().SequenceEqual(y), $"tiled path {path}, gather block {block}, k={k}, {n}:{m}, panel {panel}, rows {rows}");
            }
        }
    }

    [Fact]
    public void The_tiled_order_keeps_eight_rows_of_sixteen_values_together()
    {
        // rows 10, kept 20: block 0 is 8 rows (tiles of 16 then 4 columns), block 1 the last 2 rows.
        Assert.Equal(0, NmTiles.Index(0, 0, 10, 20));
        Assert.Equal(16, NmTiles.Index(1, 0, 10, 20));
        Assert.Equal(8 * 16, NmTiles.Index(0, 16, 10, 20));
        Assert.Equal(8 * 16 + 4, NmTiles.Index(1, 16, 10, 20));
        Assert.Equal(8 * 20 + 16 + 1, NmTiles.Index(9, 1, 10, 20));
        Assert.Equal(8 * 20 + 2 * 16 + 4 + 3, NmTiles.Index(9, 19, 10, 20));
        Assert.False(NmTiles.CanTile(4));
        Assert.True(NmTiles.CanTile(16));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_simd_follows_the_scalar_reference_and_the_dense_product(int n, int panel)
    {
        const int m = 4, rows = 11, batch = 2;
        for (int k = 0; k <= 160; k += 4)
        {
            var dense = NmMatrix(rows, k, n, m, panel, k * 3 + n, r => (float)(r.NextDouble() * 2 - 1));
            var random = new Random(k + 100);
            var x = Enumerable.Range(0, batch * k).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
            Assert.True(NmSparse.TryCompress<float>(dense, rows, k, n, m, panel, out var values, out var indices));
            var reference = new float[batch * rows];
            SparseGemm.Scalar(x, values, indices, reference, batch, k, rows, n, m, panel);
            var control = NmSparse.GatherControl(indices, rows, k, n, m, panel, NmGather.FloatBlock, NmGather.FloatBlock);
            var scratch = new float[SparseGemm.ScratchFloats(k, n, m)];
            var y = new float[batch * rows];
            SparseGemm.Run(x, values, indices, control, y, batch, k, rows, n, m, panel, scratch);
            for (int i = 0; i < batch; i++)
                for (int r = 0; r < rows; r++)
                {
                    double d = 0, magnitude = 0;
                    for (int c = 0; c < k; c++) { d += (double)x[i * k + c] * dense[r * k + c]; magnitude += Math.Abs(x[i * k + c] * dense[r * k + c]); }
                    double tolerance = 1e-5 * (magnitude + 1);
                    Assert.True(Math.Abs(d - reference[i * rows + r]) <= tolerance, $"scalar k={k} row {r}: {reference[i * rows + r]} vs {d}");
                    Assert.True(Math.Abs(d - y[i * rows + r]) <= tolerance, $"simd k={k} row {r}: {y[i * rows + r]} vs {d}");
                }
        }
    }

    [Fact]
    public void A_matrix_that_is_not_n_m_is_not_compressed()
    {
        var w = new sbyte[] { 1, 2, 3, 0, 1, 0, 0, 1 };
        Assert.False(NmSparse.TryCompress<sbyte>(w, 1, 8, 2, 4, 1, out _, out _));
        // Two rows sharing a panel whose masks differ: three columns used in the group.
        var v = new sbyte[] { 1, 1, 0, 0, 0, 1, 1, 0 };
        Assert.False(NmSparse.TryCompress<sbyte>(v, 2, 4, 2, 4, 2, out _, out _));
        Assert.True(NmSparse.TryCompress<sbyte>(v, 2, 4, 2, 4, 1, out _, out _));
    }

    [Fact]
    public void Two_bit_indices_are_packed_four_to_a_byte()
    {
        // Row 0 keeps columns 1, 3 | 0, 2 → positions 1, 3, 0, 2 → 0b10_00_11_01.
        var w = new sbyte[] { 0, 5, 0, 6, 7, 0, 8, 0 };
        Assert.True(NmSparse.TryCompress<sbyte>(w, 1, 8, 2, 4, 1, out var values, out var indices));
        Assert.Equal([5, 6, 7, 8], values);
        Assert.Equal([0b10_00_11_01], indices);
    }

    [Fact]
    public void The_sparse_kernels_do_not_allocate()
    {
        const int rows = 64, k = 128, n = 2, m = 4, panel = 8;
        var dense = NmMatrix(rows, k, n, m, panel, 1, NextSByte);
        NmSparse.TryCompress<sbyte>(dense, rows, k, n, m, panel, out var values, out var indices);
        var control = NmSparse.GatherControl(indices, rows, k, n, m, panel, NmGather.Int8BlockFor(n, m), NmGather.Int8Block);
        var x = new sbyte[k];
        var y = new int[rows];
        var scratch = new sbyte[SparseInt8Gemm.ScratchBytes(k, n, m)];
        var fx = new float[k];
        var fy = new float[rows];
        var fv = values.Select(v => (float)v).ToArray();
        var fcontrol = NmSparse.GatherControl(indices, rows, k, n, m, panel, NmGather.FloatBlock, NmGather.FloatBlock);
        var fscratch = new float[SparseGemm.ScratchFloats(k, n, m)];
        var tiled = NmTiles.Tile<sbyte>(values, rows, NmSparse.Kept(k, n, m));
        var sums = SparseInt8Gemm.RowSums(tiled, rows, NmSparse.Kept(k, n, m));
        SparseInt8Gemm.Run(Int8Paths.Best, x, values, indices, control, y, 1, k, rows, n, m, panel, scratch, NmGather.Int8BlockFor(n, m));
        SparseInt8Gemm.RunTiled(Int8Paths.Best, x, tiled, sums, indices, control, y, 1, k, rows, n, m, panel, scratch, NmGather.Int8BlockFor(n, m));
        SparseGemm.Run(fx, fv, indices, fcontrol, fy, 1, k, rows, n, m, panel, fscratch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            SparseInt8Gemm.Run(Int8Paths.Best, x, values, indices, control, y, 1, k, rows, n, m, panel, scratch, NmGather.Int8BlockFor(n, m));
            SparseInt8Gemm.RunTiled(Int8Paths.Best, x, tiled, sums, indices, control, y, 1, k, rows, n, m, panel, scratch, NmGather.Int8BlockFor(n, m));
            SparseGemm.Run(fx, fv, indices, fcontrol, fy, 1, k, rows, n, m, panel, fscratch);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(true, 512, 512, 8, true)]
    [InlineData(true, 512, 512, 1, false)]
    [InlineData(false, 512, 512, 8, true)]
    [InlineData(true, 128, 128, 8, false)] // measured 1.05x: on the fence, stays dense
    [InlineData(true, 256, 256, 8, true)] // measured 1.32x
    [InlineData(false, 128, 128, 8, false)] // measured 1.3x slower than the dense GEMV
    [InlineData(false, 256, 256, 8, false)] // measured 1.25x faster: on the fence, stays dense
    [InlineData(false, 1024, 1024, 8, true)]
    public void The_cost_model_keeps_per_row_masks_dense_and_panels_sparse(bool int8, int k, int rows, int panel, bool sparse)
    {
        if (int8 && Int8Paths.Best == Int8Path.Scalar) return;
        var (decision, reason) = SparseCostModel.Decide(int8, k, rows, 2, 4, panel);
        Assert.True(decision == sparse, reason);
    }
}
