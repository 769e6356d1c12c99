using static EdgeToken.Runtime.Tests.Kernels.NodeHarness;

namespace EdgeToken.Runtime.Tests.Kernels;

public class ConvTests
{
    /// <summary>Conv straight from the ONNX spec, independent of the runtime's geometry code.</summary>
    internal static float[] Reference(float[] x, int[] xDims, float[] w, int[] wDims, float[]? bias, int group,
        int[] strides, int[] dilations, int[] padBegin, int[] outSpatial)
    {
        int r = xDims.Length - 2, n = xDims[0], c = xDims[1], oc = wDims[0], cg = c / group, ocg = oc / group;
        int[] In = Widen(xDims[2..]), K = Widen(wDims[2..]), O = Widen(outSpatial), S = Widen(strides), D = Widen(dilations), P = Widen(padBegin, 0);
        var y = new float[n * oc * O[0] * O[1] * O[2]];
        int yi = 0;
        for (int b = 0; b < n; b++)
            for (int o = 0; o < oc; o++)
                for (int od = 0; od < O[0]; od++)
                    for (int oh = 0; oh < O[1]; oh++)
                        for (int ow = 0; ow < O[2]; ow++)
                        {
                            double sum = bias?[o] ?? 0;
                            for (int ci = 0; ci < cg; ci++)
                                for (int kd = 0; kd < K[0]; kd++)
                                    for (int kh = 0; kh < K[1]; kh++)
                                        for (int kw = 0; kw < K[2]; kw++)
                                        {
                                            int id = od * S[0] - P[0] + kd * D[0], ih = oh * S[1] - P[1] + kh * D[1], iw = ow * S[2] - P[2] + kw * D[2];
                                            if (id < 0 || ih < 0 || iw < 0 || id >= In[0] || ih >= In[1] || iw >= In[2]) continue;
                                            int cin = o / ocg * cg + ci;
                                            sum += (double)x[(((b * c + cin) * In[0] + id) * In[1] + ih) * In[2] + iw]
                                                 * w[(((o * cg + ci) * K[0] + kd) * K[1] + kh) * K[2] + kw];
                                        }
                            y[yi++] = (float)sum;
                        }
        _ = r;
        return y;
    }

    internal static int[] Widen(int[] v, int fill = 1)
    {
        var r = new[] { fill, fill, fill };
        for (int i = 0; i < v.Length; i++) r[3 - v.Length + i] = v[i];
        if (fill == 1) for (int i = 0; i < 3 - v.Length; i++) r[i] = 1;
        return r;
    }

    public static IEnumerable<object[]> RandomCases()
    {
        var rng = new Random(1234);
        for (int t = 0; t < 60; t++) yield return [t, rng.Next()];
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Random_shapes_match_spec_reference(int caseIndex, int seed)
    {
        var rng = new Random(seed);
        int r = 1 + caseIndex % 3;
        // Every fourth case is depthwise (group == C), others mix grouped and dense.
        int group = caseIndex % 4 == 0 ? 0 : rng.Next(1, 3);
        int cg = rng.Next(1, 4);
        int c = group == 0 ? rng.Next(1, 5) : cg * group;
        if (group == 0) { group = c; cg = 1; }
        int oc = group * (caseIndex % 4 == 0 ? rng.Next(1, 3) : rng.Next(1, 5));
        int n = rng.Next(1, 3);
        var inS = new int[r]; var k = new int[r]; var s = new int[r]; var d = new int[r]; var pb = new int[r]; var pe = new int[r];
        for (int i = 0; i < r; i++)
        {
            inS[i] = rng.Next(r == 3 ? 2 : 3, r == 3 ? 7 : 13);
            k[i] = rng.Next(1, 4);
            s[i] = rng.Next(1, 3);
            d[i] = rng.Next(1, 3);
            pb[i] = rng.Next(0, 3);
            pe[i] = rng.Next(0, 3);
            if ((k[i] - 1) * d[i] + 1 > inS[i]) { d[i] = 1; k[i] = Math.Min(k[i], inS[i]); }
        }
        string autoPad = (caseIndex % 5) switch { 1 => "SAME_UPPER", 2 => "SAME_LOWER", 3 => "VALID", _ => "NOTSET" };
        var outS = new int[r];
        for (int i = 0; i < r; i++)
        {
            int eff = (k[i] - 1) * d[i] + 1;
            switch (autoPad)
            {
                case "NOTSET": outS[i] = (inS[i] + pb[i] + pe[i] - eff) / s[i] + 1; break;
                case "VALID": if (eff > inS[i]) { k[i] = 1; eff = 1; } pb[i] = pe[i] = 0; outS[i] = (inS[i] - eff) / s[i] + 1; break;
                default:
                    outS[i] = (inS[i] + s[i] - 1) / s[i];
                    int total = Math.Max(0, (outS[i] - 1) * s[i] + eff - inS[i]);
                    pb[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                    pe[i] = total - pb[i];
                    break;
            }
        }
        int[] xDims = [n, c, .. inS], wDims = [oc, cg, .. k];
        var x = KernelAssert.Random(xDims.Aggregate(1, (a, b) => a * b), seed);
        var w = KernelAssert.Random(wDims.Aggregate(1, (a, b) => a * b), seed + 1);
        bool hasBias = caseIndex % 2 == 0;
        var bias = hasBias ? KernelAssert.Random(oc, seed + 2) : null;
        var expected = Reference(x, xDims, w, wDims, bias, group, s, d, pb, outS);

        var attrs = new List<(string, object)> { ("group", group), ("strides", s), ("dilations", d), ("auto_pad", autoPad) };
        if (autoPad == "NOTSET") attrs.Add(("pads", (int[])[.. pb, .. pe]));
        if (caseIndex % 3 == 0) attrs.Add(("kernel_shape", k));
        var inputs = hasBias ? new[] { F(xDims, x), F(wDims, w), F([oc], bias!) } : new[] { F(xDims, x), F(wDims, w) };
        foreach (bool constant in new[] { true, false })
        {
            var actual = RunFloats("Conv", Attrs([.. attrs]), inputs, constant, out var dims);
            Assert.Equal([n, oc, .. outS], dims);
            KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-5f);
        }
    }

    [Fact]
    public void Large_pointwise_and_3x3_span_several_column_chunks()
    {
        foreach (var (k, pad) in new[] { (1, 0), (3, 1) })
        {
            int[] xDims = [1, 24, 45, 47], wDims = [10, 24, k, k];
            var x = KernelAssert.Random(24 * 45 * 47, 3);
            var w = KernelAssert.Random(10 * 24 * k * k, 4);
            var expected = Reference(x, xDims, w, wDims, null, 1, [1, 1], [1, 1], [pad, pad], [45, 47]);
            var actual = RunFloats("Conv", Attrs(("pads", new[] { pad, pad, pad, pad })), [F(xDims, x), F(wDims, w)], true, out _);
            KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-4f);
        }
    }

    [Fact]
    public void Long_1d_rows_with_dilation_and_padding_use_contiguous_panels()
    {
        int[] xDims = [2, 3, 70], wDims = [5, 3, 3];
        var x = KernelAssert.Random(2 * 3 * 70, 8);
        var w = KernelAssert.Random(5 * 3 * 3, 9);
        // out = 70 + 2 + 1 - 5 + 1 = 69
        var expected = Reference(x, xDims, w, wDims, null, 1, [1], [2], [2], [69]);
        var actual = RunFloats("Conv", Attrs(("pads", new[] { 2, 1 }), ("dilations", new[] { 2 })), [F(xDims, x), F(wDims, w)], false, out var dims);
        Assert.Equal(new[] { 2, 5, 69 }, dims);
        KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-5f);
    }

    [Fact]
    public void Hand_computed_1d_with_stride_and_asymmetric_pads()
    {
        // x = [1 2 3 4 5], w = [1 0 -1], pads (1, 2), stride 2: padded 0 1 2 3 4 5 0 0
        // windows at 0,2,4: (0-2), (2-4), (4-0) -> -2, -2, 4 ; out = floor((5+3-3)/2)+1 = 3
        var y = RunFloats("Conv", Attrs(("pads", new[] { 1, 2 }), ("strides", new[] { 2 })),
            [F([1, 1, 5], [1, 2, 3, 4, 5]), F([1, 1, 3], [1, 0, -1])], true, out var dims);
        Assert.Equal(new[] { 1, 1, 3 }, dims);
        Assert.Equal(new[] { -2f, -2f, 4f }, y);
    }

    [Fact]
    public void Fused_relu_applies_after_bias()
    {
        var attrs = Attrs(("edgetoken.activation", "Relu"));
        var y = RunFloats("Conv", attrs, [F([1, 1, 3], [1, -2, 3]), F([2, 1, 1], [1, -1]), F([2], [0.5f, 0.5f])], true, out _);
        // channel 0: x + 0.5 = 1.5, -1.5, 3.5 ; channel 1: -x + 0.5 = -0.5, 2.5, -2.5
        Assert.Equal(new[] { 1.5f, 0f, 3.5f, 0f, 2.5f, 0f }, y);
    }

    /// <summary>Depthwise rows wide enough for the vector path (Vector256 and Vector128) plus every tail length,
    /// with padding, dilation, a channel multiplier of 2 and a fused Relu, against the spec reference.</summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 2, 2)]
    [InlineData(2, 1, 1)]
    public void Depthwise_wide_rows_match_spec_reference(int stride, int dilation, int multiplier)
    {
        for (int width = 1; width <= 35; width += 3)
        {
            int c = 3, oc = c * multiplier;
            int[] xDims = [1, c, 6, width], wDims = [oc, 1, 3, 3];
            var x = KernelAssert.Random(c * 6 * width, width);
            var w = KernelAssert.Random(oc * 9, width + 1);
            var bias = KernelAssert.Random(oc, width + 2);
            int eff = 2 * dilation + 1, pad = dilation;
            int outH = (6 + 2 * pad - eff) / stride + 1, outW = (width + 2 * pad - eff) / stride + 1;
            var expected = Reference(x, xDims, w, wDims, bias, c, [stride, stride], [dilation, dilation], [pad, pad], [outH, outW])
                .Select(v => Math.Max(v, 0f)).ToArray();
            var attrs = Attrs(("group", c), ("pads", new[] { pad, pad, pad, pad }), ("strides", new[] { stride, stride }),
                ("dilations", new[] { dilation, dilation }), ("edgetoken.activation", "Relu"));
            var actual = RunFloats("Conv", attrs, [F(xDims, x), F(wDims, w), F([oc], bias)], true, out var dims);
            Assert.Equal(new[] { 1, oc, outH, outW }, dims);
            KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-5f);
        }
    }

    [Fact]
    public void One_input_channel_stem_with_many_output_channels_and_a_long_strided_kernel()
    {
        // The melspectrogram front end's shape: one channel, a long kernel, a large stride, many output channels.
        int[] xDims = [1, 1, 400], wDims = [20, 1, 64];
        var x = KernelAssert.Random(400, 11);
        var w = KernelAssert.Random(20 * 64, 12);
        int outW = (400 - 64) / 40 + 1;
        var expected = Reference(x, xDims, w, wDims, null, 1, [40], [1], [0], [outW]);
        var actual = RunFloats("Conv", Attrs(("strides", new[] { 40 })), [F(xDims, x), F(wDims, w)], true, out var dims);
        Assert.Equal(new[] { 1, 20, outW }, dims);
        KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-4f);
    }

    /// <summary>Convolutions padded along W to keep their width, on rows narrow against a tile: the rows laid end to end
    /// with a copy of the planes per kernel column (<see cref="Runtime.Kernels.Convolution.ShiftedRowsConvKernel.Wraps"/>),
    /// with pads on one side, dilation, H padding, and bias stored with Relu, added before LeakyRelu, or none.</summary>
    [Theory]
    [InlineData("Relu")]
    [InlineData("LeakyRelu")]
    [InlineData("")]
    public void Width_keeping_pads_on_narrow_rows_wrap_the_rows_and_match_the_reference(string activation)
    {
        foreach (var (c, h, w, oc, kh, kw, dw, pads) in new[]
        {
            (6, 8, 2, 13, 1, 3, 1, new[] { 0, 1, 0, 1 }),
            (5, 10, 8, 7, 1, 3, 1, new[] { 0, 1, 0, 1 }),
            (4, 9, 6, 9, 3, 5, 2, new[] { 2, 3, 0, 5 }),
            (3, 12, 7, 5, 1, 3, 1, new[] { 0, 0, 0, 2 }),
            (7, 12, 3, 8, 3, 3, 1, new[] { 1, 1, 1, 1 }),
        })
        {
            int[] xDims = [1, c, h, w], wDims = [oc, c, kh, kw];
            var x = KernelAssert.Random(c * h * w, h + w);
            var wt = KernelAssert.Random(oc * c * kh * kw, kw + w);
            var bias = KernelAssert.Random(oc, 5);
            int outH = h + pads[0] + pads[2] - kh + 1;
            var expected = Reference(x, xDims, wt, wDims, bias, 1, [1, 1], [1, dw], [pads[0], pads[1]], [outH, w])
                .Select(v => activation switch { "Relu" => Math.Max(v, 0f), "LeakyRelu" => v < 0 ? 0.1f * v : v, _ => v }).ToArray();
            var attrs = new List<(string, object)> { ("pads", pads), ("dilations", new[] { 1, dw }) };
            if (activation.Length > 0) { attrs.Add(("edgetoken.activation", activation)); attrs.Add(("edgetoken.activation_alpha", 0.1f)); }
            var harness = new NodeHarness("Conv", Attrs([.. attrs]), [F(xDims, x), F(wDims, wt), F([oc], bias)], constantInputs: true);
            Assert.True(harness.Kernel is Runtime.Kernels.Convolution.ShiftedRowsConvKernel { WrappedColumns: true }, $"{h}x{w} k{kh}x{kw}");
            harness.Run();
            Assert.Equal(new[] { 1, oc, outH, w }, harness.Output(0).Dims);
            KernelAssert.Close(expected, harness.OutputFloats(), rtol: 1e-4f, atol: 1e-5f);
        }
    }

    /// <summary>Bias and a fused activation over every tile kind of the implicit GEMM: short rows (tiles straddling
    /// row ends), long rows (tiles inside a row, a partial last one) and a strided stem; Relu is applied as tiles
    /// are stored, LeakyRelu after.</summary>
    [Theory]
    [InlineData("Relu")]
    [InlineData("LeakyRelu")]
    [InlineData("")]
    public void Fused_activation_over_every_tile_kind(string activation)
    {
        foreach (var (h, w, k, stride, pad) in new[] { (9, 7, 3, 1, 1), (3, 37, 3, 1, 1), (17, 20, 3, 2, 1), (5, 40, 1, 1, 0), (4, 40, 1, 1, 0), (6, 8, 3, 1, 0) })
        {
            int c = 5, oc = 13;
            int[] xDims = [1, c, h, w], wDims = [oc, c, k, k];
            var x = KernelAssert.Random(c * h * w, h + w);
            var wt = KernelAssert.Random(oc * c * k * k, k + w);
            var bias = KernelAssert.Random(oc, 5);
            int outH = (h + 2 * pad - k) / stride + 1, outW = (w + 2 * pad - k) / stride + 1;
            var expected = Reference(x, xDims, wt, wDims, bias, 1, [stride, stride], [1, 1], [pad, pad], [outH, outW])
                .Select(v => activation switch { "Relu" => Math.Max(v, 0f), "LeakyRelu" => v < 0 ? 0.1f * v : v, _ => v }).ToArray();
            var attrs = new List<(string, object)> { ("pads", new[] { pad, pad, pad, pad }), ("strides", new[] { stride, stride }) };
            if (activation.Length > 0) { attrs.Add(("edgetoken.activation", activation)); attrs.Add(("edgetoken.activation_alpha", 0.1f)); }
            var actual = RunFloats("Conv", Attrs([.. attrs]), [F(xDims, x), F(wDims, wt), F([oc], bias)], true, out var dims);
            Assert.Equal(new[] { 1, oc, outH, outW }, dims);
            KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-5f);
        }
    }
}
