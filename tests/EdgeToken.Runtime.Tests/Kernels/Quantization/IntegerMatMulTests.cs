using EdgeToken.Runtime.Kernels.Quantization;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;
using EdgeToken.Runtime.Tests.Kernels.Layout;

namespace EdgeToken.Runtime.Tests.Kernels.Quantization;

public class IntegerMatMulTests
{
    [Fact]
    public void Gemm_vector_path_matches_the_scalar_reference()
    {
        var rng = new Random(1);
        foreach (var (m, k, n) in new[] { (1, 1, 1), (3, 5, 7), (4, 9, 33), (2, 17, 64), (5, 3, 0) })
        {
            var a = Enumerable.Range(0, m * k).Select(i => i % 4 == 0 ? 0 : rng.Next(-255, 256)).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => rng.Next(-255, 256)).ToArray();
            var expected = new int[m * n];
            var actual = new int[m * n];
            IntegerGemm.Scalar(a, b, expected, m, k, n);
            IntegerGemm.Run(a, b, actual, m, k, n);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void MatMulInteger_conformance_case()
    {
        var a = T.Of(ElementType.UInt8, [4, 3], new byte[] { 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0 });
        var b = T.Of(ElementType.UInt8, [3, 2], new byte[] { 1, 4, 2, 5, 3, 6 });
        var y = new LayoutHarness("MatMulInteger", a, b, T.Of(ElementType.UInt8, [], new byte[] { 12 }), T.Of(ElementType.UInt8, [], new byte[] { 0 })).Run0();
        Assert.Equal(new[] { 4, 2 }, y.Dims);
        Assert.Equal(new[] { -38, -83, -44, -98, -50, -113, -56, -128 }, y.AsSpan<int>().ToArray());
    }

    /// <summary>numpy matmul with broadcast batches, each element a sum over k of shifted operands.</summary>
    private static long[] Product(long[] a, int[] aDims, long[] b, int[] bDims, Func<int, int, int, long> aZero, Func<int, int, int, long> bZero, out int[] outDims, out int m, out int n)
    {
        int[] aBatch = aDims[..^2], bBatch = bDims[..^2];
        m = aDims[^2];
        n = bDims[^1];
        int k = aDims[^1];
        var batch = Shape.Broadcast(aBatch, bBatch);
        outDims = [.. batch, m, n];
        var y = new long[Shape.ElementCount(outDims)];
        for (int o = 0; o < y.Length; o++)
        {
            var c = T.Coordinates(outDims, o);
            int[] bc = c[..^2];
            int ai = (int)T.Flat(aBatch, Pick(bc, aBatch)), bi = (int)T.Flat(bBatch, Pick(bc, bBatch));
            int row = c[^2], col = c[^1];
            long sum = 0;
            for (int p = 0; p < k; p++)
                sum += (a[(ai * m + row) * k + p] - aZero(ai, row, p)) * (b[(bi * k + p) * n + col] - bZero(bi, p, col));
            y[o] = sum;
        }
        return y;
    }

    private static int[] Pick(int[] outBatch, int[] dims)
    {
        var r = new int[dims.Length];
        int shift = outBatch.Length - dims.Length;
        for (int i = 0; i < dims.Length; i++) r[i] = dims[i] == 1 ? 0 : outBatch[i + shift];
        return r;
    }

    [Theory]
    [InlineData(ElementType.UInt8, ElementType.Int8, new[] { 2, 1, 3, 4 }, new[] { 3, 4, 5 }, true)]
    [InlineData(ElementType.Int8, ElementType.UInt8, new[] { 3, 4 }, new[] { 2, 4, 6 }, false)]
    [InlineData(ElementType.Int8, ElementType.Int8, new[] { 2, 5, 16 }, new[] { 16, 33 }, true)]
    public void MatMulInteger_broadcasts_batches_and_per_row_and_column_zero_points(ElementType ta, ElementType tb, int[] aDims, int[] bDims, bool perRow)
    {
        var rng = new Random(aDims.Sum());
        long Rand(ElementType t) => t == ElementType.UInt8 ? rng.Next(0, 256) : rng.Next(-128, 128);
        var a = Enumerable.Range(0, (int)Shape.ElementCount(aDims)).Select(_ => Rand(ta)).ToArray();
        var b = Enumerable.Range(0, (int)Shape.ElementCount(bDims)).Select(_ => Rand(tb)).ToArray();
        int m = aDims[^2], n = bDims[^1];
        var az = perRow ? Enumerable.Range(0, m).Select(_ => Rand(ta)).ToArray() : [Rand(ta)];
        var bz = perRow ? Enumerable.Range(0, n).Select(_ => Rand(tb)).ToArray() : [Rand(tb)];
        var expected = Product(a, aDims, b, bDims, (_, r, _) => az[perRow ? r : 0], (_, _, c) => bz[perRow ? c : 0], out var outDims, out _, out _);
        var y = new LayoutHarness("MatMulInteger", QuantizeLinearTests.Tensor(ta, aDims, a), QuantizeLinearTests.Tensor(tb, bDims, b),
            QuantizeLinearTests.Tensor(ta, [az.Length], az), QuantizeLinearTests.Tensor(tb, [bz.Length], bz)).Run(out long allocated)[0];
        Assert.Equal(outDims, y.Dims);
        Assert.Equal(expected, y.AsSpan<int>().ToArray().Select(v => (long)v).ToArray());
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void MatMulInteger_takes_zero_points_per_batch_row()
    {
        // a [2, 2, 3] with a_zero_point [2, 2, 1]: each batch's rows have their own zero point.
        int[] aDims = [2, 2, 3], bDims = [3, 4];
        var a = Enumerable.Range(0, 12).Select(i => (long)(i * 17 % 256)).ToArray();
        var b = Enumerable.Range(0, 12).Select(i => (long)(i * 29 % 256)).ToArray();
        long[] az = [3, 250, 17, 128];
        var expected = Product(a, aDims, b, bDims, (batch, r, _) => az[batch * 2 + r], (_, _, _) => 0, out _, out _, out _);
        var y = new LayoutHarness("MatMulInteger", QuantizeLinearTests.Tensor(ElementType.UInt8, aDims, a), QuantizeLinearTests.Tensor(ElementType.UInt8, bDims, b),
            QuantizeLinearTests.Tensor(ElementType.UInt8, [2, 2, 1], az)).Run0();
        Assert.Equal(expected, y.AsSpan<int>().ToArray().Select(v => (long)v).ToArray());
    }

    [Fact]
    public void One_dimensional_operands_drop_their_unit_dimension()
    {
        var a = QuantizeLinearTests.Tensor(ElementType.UInt8, [3], [1, 2, 3]);
        var b = QuantizeLinearTests.Tensor(ElementType.UInt8, [3, 2], [1, 2, 3, 4, 5, 6]);
        var y = new LayoutHarness("MatMulInteger", a, b).Run0();
        Assert.Equal(new[] { 2 }, y.Dims);
        Assert.Equal(new[] { 22, 28 }, y.AsSpan<int>().ToArray());
        Assert.Throws<ShapeException>(() => new LayoutHarness("MatMulInteger", b, b).Run0());
    }

    [Fact]
    public void QLinearMatMul_conformance_case()
    {
        var a = T.Of(ElementType.UInt8, [2, 4], new byte[] { 208, 236, 0, 238, 3, 214, 255, 29 });
        var b = T.Of(ElementType.UInt8, [4, 3], new byte[] { 152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247 });
        var y = new LayoutHarness("QLinearMatMul", a, T.Scalar(0.0066f), T.Of(ElementType.UInt8, [], new byte[] { 113 }),
            b, T.Scalar(0.00705f), T.Of(ElementType.UInt8, [], new byte[] { 114 }),
            T.Scalar(0.0107f), T.Of(ElementType.UInt8, [], new byte[] { 118 })).Run0();
        Assert.Equal(new byte[] { 168, 115, 255, 1, 66, 151 }, y.Bytes.ToArray());
    }

    [Theory]
    [InlineData(ElementType.UInt8, ElementType.Float32)]
    [InlineData(ElementType.Int8, ElementType.Float32)]
    [InlineData(ElementType.UInt8, ElementType.Float16)]
    [InlineData(ElementType.Int8, ElementType.Float16)]
    public void QLinearMatMul_requantizes_as_the_reference(ElementType type, ElementType scaleType)
    {
        int[] aDims = [2, 3, 8], bDims = [8, 5];
        var rng = new Random(9);
        long Rand() => type == ElementType.UInt8 ? rng.Next(0, 256) : rng.Next(-128, 128);
        var a = Enumerable.Range(0, 48).Select(_ => Rand()).ToArray();
        var b = Enumerable.Range(0, 40).Select(_ => Rand()).ToArray();
        long az = Rand(), bz = Rand(), yz = Rand();
        float[] bScales = [0.011f, 0.02f, 0.0031f, 0.05f, 0.007f];
        const float aScale = 0.013f, yScale = 0.09f;
        var acc = Product(a, aDims, b, bDims, (_, _, _) => az, (_, _, _) => bz, out var outDims, out _, out int n);
        long lo = type == ElementType.UInt8 ? 0 : -128, hi = type == ElementType.UInt8 ? 255 : 127;
        var expected = new long[acc.Length];
        for (int i = 0; i < acc.Length; i++)
        {
            float sb = bScales[i % n];
            double multiplier = scaleType == ElementType.Float32
                ? aScale * sb / yScale
                : (double)((Half)aScale * (Half)sb / (Half)yScale);
            expected[i] = Math.Clamp((long)Math.Round(acc[i] * multiplier + yz, MidpointRounding.ToEven), lo, hi);
        }
        ConstantTensor Scale(int[] shape, params float[] v) => scaleType == ElementType.Float32
            ? T.F(shape, v) : T.Of(ElementType.Float16, shape, v.Select(f => (Half)f).ToArray());
        var y = new LayoutHarness("QLinearMatMul",
            QuantizeLinearTests.Tensor(type, aDims, a), Scale([], aScale), QuantizeLinearTests.Tensor(type, [], [az]),
            QuantizeLinearTests.Tensor(type, bDims, b), Scale([5], bScales), QuantizeLinearTests.Tensor(type, [], [bz]),
            Scale([], yScale), QuantizeLinearTests.Tensor(type, [], [yz])).Run(out long allocated)[0];
        Assert.Equal(outDims, y.Dims);
        Assert.Equal(expected, QuantizeLinearTests.Values(y));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Requantize_adds_the_zero_point_before_rounding_half_to_even()
    {
        // 0.5 + 1 = 1.5 rounds to 2 (rounding 0.5 first would give 0 + 1 = 1), as the reference computes it.
        Assert.Equal((byte)2, QLinearMatMul.Requantize<byte>(1, 0.5, 1));
        Assert.Equal((byte)2, QLinearMatMul.Requantize<byte>(5, 0.5, 0));
        Assert.Equal((sbyte)-128, QLinearMatMul.Requantize<sbyte>(-1000, 1.0, 0));
    }
}
