using EdgeToken.Runtime.Kernels.Quantization;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;
using EdgeToken.Runtime.Tests.Kernels.Layout;

namespace EdgeToken.Runtime.Tests.Kernels.Quantization;

public class QuantizeLinearTests
{
    /// <summary>The spec: saturate(round_half_to_even(x / scale) + zero_point), in double so it does not share the kernel's float path
    /// (x / scale is exact in float32 for the test data, which are multiples of small powers of two or chosen ties).</summary>
    private static long Reference(float x, float scale, long zp, long lo, long hi) =>
        Math.Clamp((long)Math.Round((double)(x / scale), MidpointRounding.ToEven) + zp, lo, hi);

    [Fact]
    public void Per_tensor_uint8_from_the_conformance_case()
    {
        var y = new LayoutHarness("QuantizeLinear", T.F([6], 0, 2, 3, 1000, -254, -1000), T.Scalar(2f), T.Of(ElementType.UInt8, [], new byte[] { 128 })).Run0();
        Assert.Equal(ElementType.UInt8, y.Type);
        Assert.Equal(new byte[] { 128, 129, 130, 255, 1, 0 }, y.Bytes.ToArray());
    }

    [Fact]
    public void Per_axis_from_the_conformance_case()
    {
        var x = T.F([1, 3, 3, 2], -162, 10, -100, 232, -20, -50, -76, 0, 0, 252, 32, -44, 245, -485, -960, -270, -375, -470);
        var y = new LayoutHarness("QuantizeLinear", x, T.F([3], 2, 4, 5), T.Of(ElementType.UInt8, [3], new byte[] { 84, 24, 196 })).Run0();
        Assert.Equal(new byte[] { 3, 89, 34, 200, 74, 59, 5, 24, 24, 87, 32, 13, 245, 99, 4, 142, 121, 102 }, y.Bytes.ToArray());
    }

    [Theory]
    [InlineData(ElementType.UInt8, 0, 255)]
    [InlineData(ElementType.Int8, -128, 127)]
    [InlineData(ElementType.UInt16, 0, 65535)]
    [InlineData(ElementType.Int16, -32768, 32767)]
    public void Blocked_quantization_matches_the_spec(ElementType type, long lo, long hi)
    {
        // x [3, 5] in blocks of 2 along axis 1: scale [3, 3], the last block holding one column.
        var x = T.F([3, 5], KernelAssert.Random(15, seed: 11, scale: 60000f));
        var scales = new[] { 1.5f, 2f, 250f, 0.5f, 3f, 7f, 120f, 1f, 0.25f };
        long[] zps = [1, 0, 7, 12, 0, 5, 3, 2, 1];
        var zp = Tensor(type, [3, 3], zps);
        var y = new LayoutHarness("QuantizeLinear", x, T.F([3, 3], scales), zp).With("axis", 1L).With("block_size", 2L).Run0();
        var actual = Values(y);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 5; c++)
            {
                int p = r * 3 + c / 2;
                Assert.Equal(Reference(T.Floats(x)[r * 5 + c], scales[p], zps[p], lo, hi), actual[r * 5 + c]);
            }
    }

    [Theory]
    [InlineData(ElementType.UInt8, 0, 255)]
    [InlineData(ElementType.Int8, -128, 127)]
    [InlineData(ElementType.UInt16, 0, 65535)]
    [InlineData(ElementType.Int16, -32768, 32767)]
    public void Vector_rows_match_the_spec_for_every_length_including_ties(ElementType type, long lo, long hi)
    {
        var rng = new Random(5);
        const float scale = 0.5f;
        for (int n = 0; n <= 100; n++)
        {
            // Half-way values (k + 0.5) * scale exercise round-half-to-even; the range exercises saturation.
            var x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (rng.Next(-(int)(hi - lo) - 40, (int)(hi - lo) + 40) + (i % 3 == 0 ? 0.5f : 0f)) * scale;
            long zp = (lo + hi) / 3;
            var y = new LayoutHarness("QuantizeLinear", T.F([n], x), T.Scalar(scale), Tensor(type, [], [zp])).Run(out long allocated)[0];
            var actual = Values(y);
            for (int i = 0; i < n; i++) Assert.Equal(Reference(x[i], scale, zp, lo, hi), actual[i]);
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void Scalar_and_row_agree_on_nan_and_infinities()
    {
        float[] x = [float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f, 0f, -0f, 2.5f, 3.5f, -2.5f, float.NaN, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, float.NaN];
        var row = new byte[x.Length];
        QuantizeLinear.Row<byte>(x, row, 1f, 10);
        for (int i = 0; i < x.Length; i++) Assert.Equal(QuantizeLinear.Scalar<byte>(x[i], 1f, 10), row[i]);
        var signedRow = new sbyte[x.Length];
        QuantizeLinear.Row<sbyte>(x, signedRow, 1f, -3);
        for (int i = 0; i < x.Length; i++) Assert.Equal(QuantizeLinear.Scalar<sbyte>(x[i], 1f, -3), signedRow[i]);
        Assert.Equal(new byte[] { 255, 0, 255, 0, 10, 10, 12, 14, 8 }, row[..9]);
    }

    [Fact]
    public void Output_type_follows_the_zero_point_then_output_dtype()
    {
        var x = T.F([2], -300, 300);
        Assert.Equal(new byte[] { 0, 150 }, new LayoutHarness("QuantizeLinear", x, T.Scalar(2f)).Run0().Bytes.ToArray());
        var i8 = new LayoutHarness("QuantizeLinear", x, T.Scalar(2f)).With("output_dtype", (long)ElementType.Int8).Run0();
        Assert.Equal(ElementType.Int8, i8.Type);
        Assert.Equal(new sbyte[] { -128, 127 }, i8.AsSpan<sbyte>().ToArray());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("QuantizeLinear", x, T.Scalar(2f)).With("output_dtype", 17L).Run0());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("QuantizeLinear", T.Of(ElementType.Float16, [1], new Half[] { (Half)1 }), T.Scalar(2f)).Run0());
        Assert.Throws<ShapeException>(() => new LayoutHarness("QuantizeLinear", T.Arange(2, 3), T.F([2], 1, 1)).Run0());
    }

    internal static ConstantTensor Tensor(ElementType type, int[] shape, long[] values) => type switch
    {
        ElementType.UInt8 => T.Of(type, shape, values.Select(v => (byte)v).ToArray()),
        ElementType.Int8 => T.Of(type, shape, values.Select(v => (sbyte)v).ToArray()),
        ElementType.UInt16 => T.Of(type, shape, values.Select(v => (ushort)v).ToArray()),
        ElementType.Int16 => T.Of(type, shape, values.Select(v => (short)v).ToArray()),
        ElementType.Int32 => T.Of(type, shape, values.Select(v => (int)v).ToArray()),
        _ => throw new ArgumentException(type.ToString()),
    };

    internal static long[] Values(ConstantTensor t)
    {
        var r = new long[t.ElementCount];
        for (int i = 0; i < r.Length; i++) r[i] = (long)t.ElementAsDouble(i);
        return r;
    }
}

public class DequantizeLinearTests
{
    [Fact]
    public void Per_tensor_uint8_from_the_conformance_case()
    {
        var y = new LayoutHarness("DequantizeLinear", T.Of(ElementType.UInt8, [4], new byte[] { 0, 3, 128, 255 }), T.Scalar(2f), T.Of(ElementType.UInt8, [], new byte[] { 128 })).Run0();
        Assert.Equal(new float[] { -256, -250, 0, 254 }, T.Floats(y));
    }

    [Theory]
    [InlineData(ElementType.UInt8, 0, 255)]
    [InlineData(ElementType.Int8, -128, 127)]
    [InlineData(ElementType.UInt16, 0, 65535)]
    [InlineData(ElementType.Int16, -32768, 32767)]
    [InlineData(ElementType.Int32, -2000000, 2000000)]
    public void Per_tensor_per_axis_and_blocked_match_the_spec(ElementType type, long lo, long hi)
    {
        var rng = new Random(3);
        int[] dims = [2, 3, 5];
        var x = Enumerable.Range(0, 30).Select(_ => rng.NextInt64(lo, hi + 1)).ToArray();
        var xt = QuantizeLinearTests.Tensor(type, dims, x);
        long zpValue(int i) => type == ElementType.Int32 ? 0 : lo + (i * 37 % (hi - lo));
        // (scale shape, block size, parameter index of element (a, b, c))
        var cases = new (int[] Shape, long Block, Func<int, int, int, int> Index)[]
        {
            ([], 0, (a, b, c) => 0),
            ([3], 0, (a, b, c) => b),
            ([2, 3, 2], 3, (a, b, c) => (a * 3 + b) * 2 + c / 3),
            ([2, 2, 5], 2, (a, b, c) => (a * 2 + b / 2) * 5 + c),
        };
        foreach (var (shape, block, index) in cases)
        {
            int count = (int)Shape.ElementCount(shape);
            var scales = Enumerable.Range(0, count).Select(i => 0.125f * (i + 1)).ToArray();
            var zps = Enumerable.Range(0, count).Select(i => zpValue(i)).ToArray();
            int axis = shape.Length == 3 && shape[1] == 2 ? 1 : shape.Length == 3 ? 2 : 1;
            var h = new LayoutHarness("DequantizeLinear", xt, T.F(shape, scales), QuantizeLinearTests.Tensor(type, shape, zps)).With("axis", (long)axis);
            if (block > 0) h.With("block_size", block);
            var y = T.Floats(h.Run(out long allocated)[0]);
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 3; b++)
                    for (int c = 0; c < 5; c++)
                    {
                        int i = (a * 3 + b) * 5 + c, p = index(a, b, c);
                        Assert.Equal(((float)x[i] - (float)zps[p]) * scales[p], y[i]);
                    }
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void Vector_rows_match_the_scalar_reference_for_every_length()
    {
        for (int n = 0; n <= 100; n++)
        {
            var rng = new Random(n);
            var u = new byte[n];
            rng.NextBytes(u);
            var s = u.Select(b => (sbyte)b).ToArray();
            var yu = new float[n];
            var ys = new float[n];
            DequantizeLinear.Row<byte>(u, yu, 0.37f, 131);
            DequantizeLinear.Row<sbyte>(s, ys, 0.37f, -7);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal((u[i] - 131f) * 0.37f, yu[i]);
                Assert.Equal((s[i] + 7f) * 0.37f, ys[i]);
            }
        }
    }

    [Fact]
    public void Rejects_unsupported_types_and_mismatched_zero_points()
    {
        var x = T.Of(ElementType.UInt8, [2], new byte[] { 1, 2 });
        Assert.Throws<ShapeException>(() => new LayoutHarness("DequantizeLinear", x, T.Scalar(1f), T.Of(ElementType.Int8, [], new sbyte[] { 0 })).Run0());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("DequantizeLinear", x, T.Of(ElementType.Float16, [], new Half[] { (Half)1 })).Run0());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("DequantizeLinear", x, T.Scalar(1f)) { Opset = 25 }.With("output_dtype", 10L).Run0());
    }
}

public class DynamicQuantizeLinearTests
{
    [Theory]
    [InlineData(new float[] { 0, 2, -3, -2.5f, 1.34f, 0.5f }, 5f / 255f, 153, new byte[] { 153, 255, 0, 26, 221, 179 })]
    [InlineData(new float[] { -1.0f, -2.1f, -1.3f, -2.5f, -3.34f, -4.0f }, 4f / 255f, 255, new byte[] { 191, 121, 172, 96, 42, 0 })]
    [InlineData(new float[] { 1, 2.1f, 1.3f, 2.5f, 3.34f, 4.0f, 1.5f, 2.6f, 3.9f, 4.0f, 3.0f, 2.345f }, 4f / 255f, 0,
        new byte[] { 64, 134, 83, 159, 213, 255, 96, 166, 249, 255, 191, 149 })]
    public void Conformance_cases(float[] x, float scale, byte zeroPoint, byte[] expected)
    {
        var y = new LayoutHarness("DynamicQuantizeLinear", T.F([x.Length], x)) { Outputs = 3 }.Run(out long allocated);
        Assert.Equal(expected, y[0].Bytes.ToArray());
        Assert.Equal(scale, y[1].AsSpan<float>()[0], 6);
        Assert.Equal(zeroPoint, y[2].Bytes.Span[0]);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void All_zero_input_gives_scale_one_and_zero_point_zero()
    {
        var y = new LayoutHarness("DynamicQuantizeLinear", T.F([3], 0, 0, 0)) { Outputs = 3 }.Run();
        Assert.Equal(new byte[3], y[0].Bytes.ToArray());
        Assert.Equal(1f, y[1].AsSpan<float>()[0]);
        Assert.Equal(0, y[2].Bytes.Span[0]);
    }
}
