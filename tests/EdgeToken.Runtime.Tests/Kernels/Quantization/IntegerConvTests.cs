using EdgeToken.Runtime.Kernels.Quantization;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;
using EdgeToken.Runtime.Tests.Kernels.Layout;

namespace EdgeToken.Runtime.Tests.Kernels.Quantization;

public class IntegerConvTests
{
    private static readonly ConstantTensor X3 = T.Of(ElementType.UInt8, [1, 1, 3, 3], new byte[] { 2, 3, 4, 5, 6, 7, 8, 9, 10 });
    private static readonly ConstantTensor W1 = T.Of(ElementType.UInt8, [1, 1, 2, 2], new byte[] { 1, 1, 1, 1 });
    private static readonly ConstantTensor One = T.Of(ElementType.UInt8, [], new byte[] { 1 });

    [Fact]
    public void ConvInteger_without_padding_conformance_case()
    {
        var y = new LayoutHarness("ConvInteger", X3, W1, One).Run0();
        Assert.Equal(new[] { 1, 1, 2, 2 }, y.Dims);
        Assert.Equal(new[] { 12, 16, 24, 28 }, y.AsSpan<int>().ToArray());
    }

    [Fact]
    public void ConvInteger_with_padding_conformance_case()
    {
        // The padding is x_zero_point, so it contributes nothing once shifted.
        var y = new LayoutHarness("ConvInteger", X3, W1, One).With("pads", new long[] { 1, 1, 1, 1 }).Run0();
        Assert.Equal(new[] { 1, 1, 4, 4 }, y.Dims);
        Assert.Equal(new[] { 1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9 }, y.AsSpan<int>().ToArray());
    }

    /// <summary>Convolution by its definition over zero-point-shifted values, with explicit pads.</summary>
    internal static long[] Convolve(long[] x, int[] xd, long[] w, int[] wd, long xZero, Func<int, long> wZero, int group,
        int[] strides, int[] dilations, int[] padsBegin, int outH, int outW, Func<int, long>? bias = null)
    {
        int n = xd[0], c = xd[1], h = xd[2], wdt = xd[3], m = wd[0], cg = wd[1], kh = wd[2], kw = wd[3];
        var y = new long[n * m * outH * outW];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < m; oc++)
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                    {
                        long sum = bias?.Invoke(oc) ?? 0;
                        int g = oc / (m / group);
                        for (int ic = 0; ic < cg; ic++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int ih = oh * strides[0] + i * dilations[0] - padsBegin[0];
                                    int iw = ow * strides[1] + j * dilations[1] - padsBegin[1];
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wdt) continue;
                                    long xv = x[((b * c + g * cg + ic) * h + ih) * wdt + iw] - xZero;
                                    long wv = w[((oc * cg + ic) * kh + i) * kw + j] - wZero(oc);
                                    sum += xv * wv;
                                }
                        y[((b * m + oc) * outH + oh) * outW + ow] = sum;
                    }
        return y;
    }

    public static TheoryData<string, int, int[], int[], long[]?, ElementType, ElementType> Configurations => new()
    {
        { "NOTSET", 1, [1, 1], [1, 1], [0, 0, 0, 0], ElementType.UInt8, ElementType.UInt8 },
        { "NOTSET", 2, [2, 1], [1, 2], [1, 0, 2, 1], ElementType.UInt8, ElementType.Int8 },
        { "SAME_UPPER", 1, [2, 2], [1, 1], null, ElementType.Int8, ElementType.Int8 },
        { "SAME_LOWER", 3, [1, 1], [2, 1], null, ElementType.Int8, ElementType.UInt8 },
        { "VALID", 1, [1, 2], [1, 1], null, ElementType.UInt8, ElementType.Int8 },
    };

    private static (int Out, int PadBegin) Axis(string autoPad, int size, int k, int s, int d, int pb, int pe)
    {
        int span = (k - 1) * d + 1;
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            int o = (size + s - 1) / s;
            int total = Math.Max(0, (o - 1) * s + span - size);
            return (o, autoPad == "SAME_UPPER" ? total / 2 : total - total / 2);
        }
        if (autoPad == "VALID") return ((size - span) / s + 1, 0);
        return ((size + pb + pe - span) / s + 1, pb);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void ConvInteger_and_QLinearConv_match_the_definition(string autoPad, int group, int[] strides, int[] dilations, long[]? pads,
        ElementType tx, ElementType tw)
    {
        var rng = new Random(group * 31 + strides[0]);
        long Rand(ElementType t) => t == ElementType.UInt8 ? rng.Next(0, 256) : rng.Next(-128, 128);
        int[] xd = [2, 3 * group, 7, 6], wd = [2 * group, 3, 3, 2];
        var x = Enumerable.Range(0, (int)Shape.ElementCount(xd)).Select(_ => Rand(tx)).ToArray();
        var w = Enumerable.Range(0, (int)Shape.ElementCount(wd)).Select(_ => Rand(tw)).ToArray();
        long xz = Rand(tx);
        var wz = Enumerable.Range(0, wd[0]).Select(_ => Rand(tw)).ToArray();
        var p = pads ?? [0, 0, 0, 0];
        var (oh, ph) = Axis(autoPad, xd[2], wd[2], strides[0], dilations[0], (int)p[0], (int)p[2]);
        var (ow, pw) = Axis(autoPad, xd[3], wd[3], strides[1], dilations[1], (int)p[1], (int)p[3]);
        var expected = Convolve(x, xd, w, wd, xz, oc => wz[oc], group, strides, dilations, [ph, pw], oh, ow);

        LayoutHarness Node(string op, params ConstantTensor?[] inputs)
        {
            var h = new LayoutHarness(op, inputs).With("group", (long)group).With("strides", strides.Select(v => (long)v).ToArray())
                .With("dilations", dilations.Select(v => (long)v).ToArray()).With("auto_pad", autoPad);
            if (pads is not null) h.With("pads", pads);
            return h;
        }

        var y = Node("ConvInteger", QuantizeLinearTests.Tensor(tx, xd, x), QuantizeLinearTests.Tensor(tw, wd, w),
            QuantizeLinearTests.Tensor(tx, [], [xz]), QuantizeLinearTests.Tensor(tw, [wd[0]], wz)).Run(out long allocated)[0];
        Assert.Equal(new[] { 2, wd[0], oh, ow }, y.Dims);
        Assert.Equal(expected, y.AsSpan<int>().ToArray().Select(v => (long)v).ToArray());
        Assert.Equal(0, allocated);

        // QLinearConv over the same convolution, plus a bias, requantized per output channel.
        var bias = Enumerable.Range(0, wd[0]).Select(i => (long)rng.Next(-5000, 5000)).ToArray();
        var withBias = Convolve(x, xd, w, wd, xz, oc => wz[oc], group, strides, dilations, [ph, pw], oh, ow, oc => bias[oc]);
        const float xScale = 0.02f, yScale = 0.7f;
        var wScale = Enumerable.Range(0, wd[0]).Select(i => 0.01f * (i + 1)).ToArray();
        long yz = Rand(tx);
        long lo = tx == ElementType.UInt8 ? 0 : -128, hi = tx == ElementType.UInt8 ? 255 : 127;
        int plane = oh * ow;
        var q = withBias.Select((v, i) =>
        {
            int oc = i / plane % wd[0];
            double multiplier = xScale * wScale[oc] / yScale;
            return Math.Clamp((long)Math.Round(v * multiplier + yz, MidpointRounding.ToEven), lo, hi);
        }).ToArray();
        var yq = Node("QLinearConv", QuantizeLinearTests.Tensor(tx, xd, x), T.Scalar(xScale), QuantizeLinearTests.Tensor(tx, [], [xz]),
            QuantizeLinearTests.Tensor(tw, wd, w), T.F([wd[0]], wScale), QuantizeLinearTests.Tensor(tw, [wd[0]], wz),
            T.Scalar(yScale), QuantizeLinearTests.Tensor(tx, [], [yz]), QuantizeLinearTests.Tensor(ElementType.Int32, [wd[0]], bias)).Run(out allocated)[0];
        Assert.Equal(tx, yq.Type);
        Assert.Equal(q, QuantizeLinearTests.Values(yq));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Library_scalar_reference_agrees_with_the_definition()
    {
        var rng = new Random(2);
        int[] xd = [1, 4, 5, 5], wd = [4, 2, 3, 3];
        var x = Enumerable.Range(0, 100).Select(_ => (long)rng.Next(-50, 50)).ToArray();
        var w = Enumerable.Range(0, 72).Select(_ => (long)rng.Next(-50, 50)).ToArray();
        var expected = Convolve(x, xd, w, wd, 0, _ => 0, 2, [2, 2], [1, 1], [1, 1], 3, 3);
        var actual = new int[expected.Length];
        ConvInteger.Scalar(x.Select(v => (int)v).ToArray(), w.Select(v => (int)v).ToArray(), actual, 1, 4, 5, 5, 4, 3, 3, 2, 2, 2, 1, 1, 1, 1, 3, 3);
        Assert.Equal(expected, actual.Select(v => (long)v).ToArray());
    }

    [Fact]
    public void Three_d_convolutions_are_unsupported()
    {
        var x = T.Of(ElementType.UInt8, [1, 1, 2, 2, 5], new byte[20]);
        var w = T.Of(ElementType.UInt8, [1, 1, 1, 1, 2], new byte[2]);
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("ConvInteger", x, w).Run0());
    }

    [Fact]
    public void A_1d_convolution_is_the_2d_one_with_height_1()
    {
        var rng = new Random(4);
        var xv = new byte[2 * 9];
        var wv = new byte[3 * 2 * 3];
        rng.NextBytes(xv);
        rng.NextBytes(wv);
        var zx = T.Of(ElementType.UInt8, [], new byte[] { 100 });
        var y1 = new LayoutHarness("ConvInteger", T.Of(ElementType.UInt8, [1, 2, 9], xv), T.Of(ElementType.UInt8, [3, 2, 3], wv), zx)
            .With("pads", new long[] { 2, 1 }).With("strides", new long[] { 2 }).With("dilations", new long[] { 2 }).Run0();
        var y2 = new LayoutHarness("ConvInteger", T.Of(ElementType.UInt8, [1, 2, 1, 9], xv), T.Of(ElementType.UInt8, [3, 2, 1, 3], wv), zx)
            .With("pads", new long[] { 0, 2, 0, 1 }).With("strides", new long[] { 1, 2 }).With("dilations", new long[] { 1, 2 }).Run0();
        Assert.Equal(new[] { 1, 3, 4 }, y1.Dims); // (9 + 3 - 5) / 2 + 1
        Assert.Equal(y2.AsSpan<int>().ToArray(), y1.AsSpan<int>().ToArray());
    }
}
