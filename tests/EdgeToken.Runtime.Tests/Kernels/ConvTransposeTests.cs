using static EdgeToken.Runtime.Tests.Kernels.NodeHarness;

namespace EdgeToken.Runtime.Tests.Kernels;

public class ConvTransposeTests
{
    /// <summary>ConvTranspose from the spec: every input cell scatters x * w to out = in*stride - pad + k*dilation.</summary>
    private static float[] Reference(float[] x, int[] xDims, float[] w, int[] wDims, float[]? bias, int group,
        int[] s, int[] d, int[] pb, int[] outS)
    {
        int n = xDims[0], c = xDims[1], cg = c / group, ocg = wDims[1], oc = ocg * group;
        int[] In = ConvTests.Widen(xDims[2..]), K = ConvTests.Widen(wDims[2..]), O = ConvTests.Widen(outS),
            S = ConvTests.Widen(s), D = ConvTests.Widen(d), P = ConvTests.Widen(pb, 0);
        int plane = O[0] * O[1] * O[2];
        var y = new double[n * oc * plane];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < oc; o++)
                for (int i = 0; i < plane; i++) y[(b * oc + o) * plane + i] = bias?[o] ?? 0;
        for (int b = 0; b < n; b++)
            for (int ci = 0; ci < c; ci++)
                for (int id = 0; id < In[0]; id++)
                    for (int ih = 0; ih < In[1]; ih++)
                        for (int iw = 0; iw < In[2]; iw++)
                            for (int m = 0; m < ocg; m++)
                                for (int kd = 0; kd < K[0]; kd++)
                                    for (int kh = 0; kh < K[1]; kh++)
                                        for (int kw = 0; kw < K[2]; kw++)
                                        {
                                            int od = id * S[0] - P[0] + kd * D[0], oh = ih * S[1] - P[1] + kh * D[1], ow = iw * S[2] - P[2] + kw * D[2];
                                            if (od < 0 || oh < 0 || ow < 0 || od >= O[0] || oh >= O[1] || ow >= O[2]) continue;
                                            int o = ci / cg * ocg + m;
                                            y[(b * oc + o) * plane + (od * O[1] + oh) * O[2] + ow] +=
                                                (double)x[(((b * c + ci) * In[0] + id) * In[1] + ih) * In[2] + iw]
                                                * w[(((ci * ocg + m) * K[0] + kd) * K[1] + kh) * K[2] + kw];
                                        }
        return Array.ConvertAll(y, v => (float)v);
    }

    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, 40).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Random_shapes_match_spec_reference(int caseIndex)
    {
        var rng = new Random(700 + caseIndex);
        int r = 1 + caseIndex % 3, group = rng.Next(1, 3), cg = rng.Next(1, 4), c = cg * group, ocg = rng.Next(1, 4), n = rng.Next(1, 3);
        var inS = new int[r]; var k = new int[r]; var s = new int[r]; var d = new int[r]; var pb = new int[r]; var pe = new int[r]; var op = new int[r];
        var outS = new int[r];
        int mode = caseIndex % 4; // 0,1: explicit pads (+output_padding), 2: output_shape, 3: SAME_UPPER / SAME_LOWER
        for (int i = 0; i < r; i++)
        {
            inS[i] = rng.Next(1, r == 3 ? 4 : 7); k[i] = rng.Next(1, 4); s[i] = rng.Next(1, 4); d[i] = rng.Next(1, 3);
            op[i] = mode == 1 ? rng.Next(0, Math.Max(s[i], d[i])) : 0;
            int full = s[i] * (inS[i] - 1) + op[i] + (k[i] - 1) * d[i] + 1;
            if (mode <= 1)
            {
                pb[i] = rng.Next(0, 2); pe[i] = rng.Next(0, 2);
                if (full - pb[i] - pe[i] < 1) pb[i] = pe[i] = 0;
                outS[i] = full - pb[i] - pe[i];
            }
            else
            {
                outS[i] = mode == 2 ? Math.Max(1, full + rng.Next(-2, 2)) : inS[i] * s[i];
                int total = full - outS[i];
                int half = (int)Math.Floor(total / 2.0);
                bool upper = mode == 3 && caseIndex % 8 == 3;
                pb[i] = upper ? half : total - half;
            }
        }
        int[] xDims = [n, c, .. inS], wDims = [c, ocg, .. k];
        var x = KernelAssert.Random(xDims.Aggregate(1, (a, b) => a * b), caseIndex);
        var w = KernelAssert.Random(wDims.Aggregate(1, (a, b) => a * b), caseIndex + 100);
        var bias = caseIndex % 2 == 0 ? KernelAssert.Random(ocg * group, caseIndex + 200) : null;
        var expected = Reference(x, xDims, w, wDims, bias, group, s, d, pb, outS);
        var attrs = new List<(string, object)> { ("group", group), ("strides", s), ("dilations", d) };
        if (mode <= 1) attrs.Add(("pads", (int[])[.. pb, .. pe]));
        if (mode == 1) attrs.Add(("output_padding", op));
        if (mode == 2) attrs.Add(("output_shape", outS));
        if (mode == 3) attrs.Add(("auto_pad", caseIndex % 8 == 3 ? "SAME_UPPER" : "SAME_LOWER"));
        var inputs = bias is null ? new[] { F(xDims, x), F(wDims, w) } : new[] { F(xDims, x), F(wDims, w), F([ocg * group], bias) };
        foreach (bool constant in new[] { true, false })
        {
            var actual = RunFloats("ConvTranspose", Attrs([.. attrs]), inputs, constant, out var dims);
            Assert.Equal([n, ocg * group, .. outS], dims);
            KernelAssert.Close(expected, actual, rtol: 1e-4f, atol: 1e-5f);
        }
    }

    [Fact]
    public void Hand_computed_1d_stride_2()
    {
        // x = [1 2], w = [1 1 1], stride 2: taps land at 0..2 and 2..4 -> [1 1 3 2 2]
        var y = RunFloats("ConvTranspose", Attrs(("strides", new[] { 2 })), [F([1, 1, 2], [1, 2]), F([1, 1, 3], [1, 1, 1])], true, out var dims);
        Assert.Equal(new[] { 1, 1, 5 }, dims);
        Assert.Equal(new[] { 1f, 1f, 3f, 2f, 2f }, y);
    }
}
