using EdgeToken.Runtime.Kernels.Layout;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Layout;

public class TransposeTests
{
    /// <summary>Straight from the spec: output[i0, i1, ...] = input[j] where j[perm[k]] = i[k].</summary>
    internal static float[] Reference(float[] x, int[] dims, int[] perm)
    {
        var outDims = new int[dims.Length];
        for (int k = 0; k < perm.Length; k++) outDims[k] = dims[perm[k]];
        var y = new float[x.Length];
        for (int o = 0; o < y.Length; o++)
        {
            var oc = T.Coordinates(outDims, o);
            var ic = new int[dims.Length];
            for (int k = 0; k < perm.Length; k++) ic[perm[k]] = oc[k];
            y[o] = x[T.Flat(dims, ic)];
        }
        return y;
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 1) { yield return [0]; yield break; }
        foreach (var p in Permutations(n - 1))
            for (int at = 0; at <= p.Length; at++)
            {
                var q = new List<int>(p);
                q.Insert(at, n - 1);
                yield return q.ToArray();
            }
    }

    [Fact]
    public void All_permutations_of_a_3d_tensor_match_the_reference()
    {
        var x = T.Arange(2, 3, 4);
        foreach (var perm in Permutations(3))
        {
            var y = new LayoutHarness("Transpose", x).With("perm", Array.ConvertAll(perm, p => (long)p)).Run0();
            Assert.Equal(Reference(T.Floats(x), x.Dims, perm), T.Floats(y));
            Assert.Equal(new[] { x.Dims[perm[0]], x.Dims[perm[1]], x.Dims[perm[2]] }, y.Dims);
        }
    }

    [Fact]
    public void Default_reverses_the_axes()
    {
        var x = T.Arange(2, 3, 4);
        var y = new LayoutHarness("Transpose", x).Run0();
        Assert.Equal(new[] { 4, 3, 2 }, y.Dims);
        Assert.Equal(Reference(T.Floats(x), x.Dims, [2, 1, 0]), T.Floats(y));
    }

    [Fact]
    public void Every_4d_permutation_and_element_size_matches_the_byte_reference()
    {
        int[] dims = [3, 1, 5, 4];
        var rng = new Random(7);
        foreach (var type in new[] { ElementType.UInt8, ElementType.Float16, ElementType.Float32, ElementType.Int64, ElementType.Complex128 })
        {
            int size = type.SizeOf();
            var bytes = new byte[Shape.ElementCount(dims) * size];
            rng.NextBytes(bytes);
            var x = new ConstantTensor(type, dims, bytes);
            foreach (var perm in Permutations(4))
            {
                var y = new LayoutHarness("Transpose", x).With("perm", Array.ConvertAll(perm, p => (long)p)).Run(out long allocated)[0];
                var expected = new byte[bytes.Length];
                Transpose.Scalar(bytes, expected, dims, perm, size);
                Assert.Equal(expected, y.Bytes.ToArray());
                Assert.Equal(0, allocated);
            }
        }
    }

    [Theory]
    [InlineData(37, 53)]
    [InlineData(16, 16)]
    [InlineData(1, 9)]
    [InlineData(64, 3)]
    public void Matrix_transpose_crosses_tile_edges(int rows, int cols)
    {
        var x = T.Arange(rows, cols);
        var y = new LayoutHarness("Transpose", x).With("perm", new long[] { 1, 0 }).Run0();
        Assert.Equal(Reference(T.Floats(x), x.Dims, [1, 0]), T.Floats(y));
    }

    [Fact]
    public void Moving_one_axis_becomes_a_batched_matrix_transpose()
    {
        // NCHW -> NHWC: merges to [N, C, HW] -> [N, HW, C].
        TransposeOperator.Merge([2, 3, 4, 5], [0, 2, 3, 1], out var dims, out var perm);
        Assert.Equal(new[] { 2, 3, 20 }, dims);
        Assert.Equal(new[] { 0, 2, 1 }, perm);
        Assert.True(TransposeOperator.TryBatched2D(dims, perm, out int b, out int r, out int c, out int inner));
        Assert.Equal((2, 3, 20, 1), (b, r, c, inner));
        // Moving a middle axis keeps an inner block: [A, B, C, D] -> [A, C, B, D].
        TransposeOperator.Merge([2, 3, 4, 5], [0, 2, 1, 3], out dims, out perm);
        Assert.True(TransposeOperator.TryBatched2D(dims, perm, out _, out _, out _, out inner));
        Assert.Equal(5, inner);
        // A true 3-way shuffle is not.
        TransposeOperator.Merge([2, 3, 4], [2, 0, 1], out dims, out perm);
        Assert.Equal(new[] { 6, 4 }, dims);
        TransposeOperator.Merge([2, 3, 4], [1, 2, 0], out dims, out perm);
        Assert.Equal(new[] { 2, 12 }, dims);
        TransposeOperator.Merge([2, 3, 4, 5], [3, 1, 0, 2], out dims, out perm);
        Assert.False(TransposeOperator.TryBatched2D(dims, perm, out _, out _, out _, out _));
    }

    [Fact]
    public void Rejects_a_perm_that_is_not_a_permutation()
    {
        Assert.Throws<ShapeException>(() => new LayoutHarness("Transpose", T.Arange(2, 3)).With("perm", new long[] { 0, 0 }).Run0());
        Assert.Throws<ShapeException>(() => new LayoutHarness("Transpose", T.Arange(2, 3)).With("perm", new long[] { 0 }).Run0());
    }

    [Fact]
    public void Strided_copy_merges_contiguous_axes()
    {
        Assert.Equal(1, new StridedCopy([2, 3, 4], [12, 4, 1], 0, 4).Rank);
        Assert.Equal(2, new StridedCopy([2, 3, 4], [1, 8, 2], 0, 4).Rank);
        Assert.Equal(3, new StridedCopy([2, 3, 4], [12, 1, 3], 0, 4).Rank);
        Assert.Equal(1, new StridedCopy([1, 1], [5, 1], 0, 4).Rank);
    }
}
