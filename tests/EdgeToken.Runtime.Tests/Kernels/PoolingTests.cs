using EdgeToken.Runtime.Tensors;
using static EdgeToken.Runtime.Tests.Kernels.NodeHarness;

namespace EdgeToken.Runtime.Tests.Kernels;

public class PoolingTests
{
    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, 48).Select(i => new object[] { i });

    /// <summary>Random 1-D..3-D pools against nested loops over the spec's window definition, with the output size
    /// computed here from the spec's formula (ceil_mode and its last-window rule included).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Random_windows_match_spec_reference(int caseIndex)
    {
        var rng = new Random(900 + caseIndex);
        int r = 1 + caseIndex % 3, n = rng.Next(1, 3), c = rng.Next(1, 4);
        bool ceil = caseIndex % 2 == 1, includePad = caseIndex % 4 >= 2;
        var inS = new int[r]; var k = new int[r]; var s = new int[r]; var d = new int[r]; var pb = new int[r]; var pe = new int[r]; var outS = new int[r];
        for (int i = 0; i < r; i++)
        {
            inS[i] = rng.Next(2, r == 3 ? 6 : 10); k[i] = rng.Next(1, 4); s[i] = rng.Next(1, 4); d[i] = rng.Next(1, 3);
            pb[i] = rng.Next(0, k[i] / 2 + 1); pe[i] = rng.Next(0, k[i] / 2 + 1);
            int eff = (k[i] - 1) * d[i] + 1;
            if (eff > inS[i] + pb[i] + pe[i]) { d[i] = 1; k[i] = 1; eff = 1; }
            double size = (double)(inS[i] + pb[i] + pe[i] - eff) / s[i] + 1;
            outS[i] = ceil ? (int)Math.Ceiling(size) : (int)Math.Floor(size);
            if (ceil && (outS[i] - 1) * s[i] >= inS[i] + pb[i]) outS[i]--;
        }
        int[] xDims = [n, c, .. inS];
        var x = KernelAssert.Random(xDims.Aggregate(1, (a, b) => a * b), caseIndex, scale: 4f);
        int[] In = ConvTests.Widen(inS), K = ConvTests.Widen(k), S = ConvTests.Widen(s), D = ConvTests.Widen(d), O = ConvTests.Widen(outS);
        int[] PB = ConvTests.Widen(pb, 0), PE = ConvTests.Widen(pe, 0);
        int plane = In[0] * In[1] * In[2], outPlane = O[0] * O[1] * O[2];
        var maxY = new float[n * c * outPlane]; var maxI = new long[maxY.Length]; var avgY = new float[maxY.Length];
        for (int p = 0; p < n * c; p++)
            for (int od = 0; od < O[0]; od++)
                for (int oh = 0; oh < O[1]; oh++)
                    for (int ow = 0; ow < O[2]; ow++)
                    {
                        float best = float.NegativeInfinity; long at = -1; double sum = 0; int real = 0, padded = 0;
                        for (int kd = 0; kd < K[0]; kd++)
                            for (int kh = 0; kh < K[1]; kh++)
                                for (int kw = 0; kw < K[2]; kw++)
                                {
                                    int[] pos = [od * S[0] - PB[0] + kd * D[0], oh * S[1] - PB[1] + kh * D[1], ow * S[2] - PB[2] + kw * D[2]];
                                    bool inPadded = true, inReal = true;
                                    for (int q = 0; q < 3; q++)
                                    {
                                        if (pos[q] < -PB[q] || pos[q] >= In[q] + PE[q]) inPadded = false;
                                        if (pos[q] < 0 || pos[q] >= In[q]) inReal = false;
                                    }
                                    if (inPadded) padded++;
                                    if (!inReal) continue;
                                    real++;
                                    int idx = (pos[0] * In[1] + pos[1]) * In[2] + pos[2];
                                    float v = x[p * plane + idx];
                                    sum += v;
                                    if (v > best) { best = v; at = (long)p * plane + idx; }
                                }
                        int o = p * outPlane + (od * O[1] + oh) * O[2] + ow;
                        // A dilated window can miss the input entirely; like onnxruntime the kernel then yields the lowest value.
                        maxY[o] = at < 0 ? float.MinValue : best; maxI[o] = at < 0 ? (long)p * plane : at;
                        avgY[o] = (float)(sum / (includePad ? padded : real));
                    }
        var attrs = new List<(string, object)> { ("kernel_shape", k), ("strides", s), ("pads", (int[])[.. pb, .. pe]), ("ceil_mode", ceil ? 1 : 0) };
        var maxAttrs = Attrs([.. attrs, ("dilations", d)]);
        var h = new NodeHarness("MaxPool", maxAttrs, [F(xDims, x)], false, outputCount: 2);
        h.Run();
        Assert.Equal([n, c, .. outS], h.Output(0).Dims);
        Assert.Equal(maxY, h.OutputFloats(0));
        Assert.Equal(maxI, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(h.OutputBytes(1)).ToArray());
        // Without Indices and dilation, float MaxPool takes the row-wise path (MaxPoolRows): same values.
        Assert.Equal(maxY, RunFloats("MaxPool", maxAttrs, [F(xDims, x)], false, out _));
        var avg = RunFloats("AveragePool", Attrs([.. attrs, ("dilations", d), ("count_include_pad", includePad ? 1 : 0)]), [F(xDims, x)], false, out _);
        KernelAssert.Close(avgY, avg, rtol: 1e-5f, atol: 1e-6f);
    }

    [Fact]
    public void Ceil_mode_drops_a_window_that_would_start_in_the_end_padding()
    {
        // in 2, kernel 1, stride 2, pads (0, 1): ceil((2+1-1)/2 + 1) = 2, but window 1 starts at 2 >= 2 + 0 -> 1 output.
        var y = RunFloats("MaxPool", Attrs(("kernel_shape", new[] { 1 }), ("strides", new[] { 2 }), ("pads", new[] { 0, 1 }), ("ceil_mode", 1)),
            [F([1, 1, 2], [3, 4])], false, out var dims);
        Assert.Equal(new[] { 1, 1, 1 }, dims);
        Assert.Equal(new[] { 3f }, y);
    }

    [Fact]
    public void Column_major_indices_and_uint8()
    {
        // 2x3 plane [[1 9 2] [8 3 7]], 2x2 window stride 1: maxima 9 at (0,1) and 9 at (0,1)... then 7? windows: cols 0-1 -> 9, cols 1-2 -> 9.
        var x = ConstantTensor.FromArray(ElementType.UInt8, [1, 1, 2, 3], new byte[] { 1, 9, 2, 8, 3, 7 });
        var h = new NodeHarness("MaxPool", Attrs(("kernel_shape", new[] { 2, 2 }), ("storage_order", 1)), [x], false, outputCount: 2);
        h.Run();
        Assert.Equal(new byte[] { 9, 9 }, h.OutputBytes(0));
        // (h=0, w=1) column-major in a 2-row plane: w*H + h = 2.
        Assert.Equal(new long[] { 2, 2 }, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(h.OutputBytes(1)).ToArray());
    }

    [Fact]
    public void Global_pools_reduce_each_plane()
    {
        var x = F([1, 2, 2, 2], [1, 2, 3, 6, -1, -2, -3, -6]);
        Assert.Equal(new[] { 3f, -3f }, RunFloats("GlobalAveragePool", Attrs(), [x], false, out var dims));
        Assert.Equal(new[] { 1, 2, 1, 1 }, dims);
        Assert.Equal(new[] { 6f, -1f }, RunFloats("GlobalMaxPool", Attrs(), [x], false, out _));
    }

    [Fact]
    public unsafe void Pair_max_vector_path_matches_its_scalar_reference_for_every_length()
    {
        for (int count = 0; count <= 40; count++)
        {
            var x = KernelAssert.Random(2 * count + 1, count, scale: 4f);
            var y0 = KernelAssert.Random(count + 1, count + 100, scale: 4f);
            var y1 = (float[])y0.Clone();
            fixed (float* px = x)
            fixed (float* p0 = y0)
            fixed (float* p1 = y1)
            {
                EdgeToken.Runtime.Kernels.Pooling.MaxPoolRows.PairMax(px, p0, count);
                EdgeToken.Runtime.Kernels.Pooling.MaxPoolRows.PairMaxScalar(px, p1, 0, count);
            }
            Assert.Equal(y1, y0);
        }
    }

    /// <summary>float MaxPool without Indices over whole planes (<c>MaxPoolPlanes</c>: 1x2 stride (1, 2) and 2x2 stride 2,
    /// no padding, even widths) against the generic reference with Indices.</summary>
    [Theory]
    [InlineData(new[] { 32, 16 }, new[] { 1, 2 }, new[] { 1, 2 })]
    [InlineData(new[] { 10, 4 }, new[] { 1, 2 }, new[] { 1, 2 })]
    [InlineData(new[] { 28, 8 }, new[] { 2, 2 }, new[] { 2, 2 })]
    [InlineData(new[] { 6, 2 }, new[] { 2, 2 }, new[] { 2, 2 })]
    [InlineData(new[] { 8, 42 }, new[] { 2, 2 }, new[] { 2, 2 })]
    [InlineData(new[] { 12, 4 }, new[] { 2, 2 }, new[] { 2, 2 })] // rows of 8 bytes: one row pair a vector
    [InlineData(new[] { 10, 2 }, new[] { 2, 2 }, new[] { 2, 2 })] // rows of 4 bytes, an odd number of them
    [InlineData(new[] { 32, 56 }, new[] { 2, 2 }, new[] { 2, 2 })] // 4 of the 6 planes in the buffer, then 2
    public void Float_max_pool_over_whole_planes_matches_the_generic_reference(int[] spatial, int[] kernel, int[] strides)
    {
        int[] dims = [2, 3, .. spatial];
        var x = KernelAssert.Random(dims.Aggregate(1, (a, b) => a * b), spatial.Sum(), scale: 4f);
        var attrs = Attrs(("kernel_shape", kernel), ("strides", strides));
        AssertFastPathMatchesReference(attrs, ConstantTensor.FromArray(ElementType.Float32, dims, x));
    }

    /// <summary>MaxPool without Indices (the row-wise and whole-plane paths) against the generic reference, which the
    /// Indices output selects: the same dims and the same bytes.</summary>
    private static void AssertFastPathMatchesReference(EdgeToken.Runtime.Operators.NodeAttributes attrs, ConstantTensor t)
    {
        var reference = new NodeHarness("MaxPool", attrs, [t], false, outputCount: 2);
        reference.Run();
        var fast = new NodeHarness("MaxPool", attrs, [t], false);
        fast.Run();
        Assert.Equal(reference.Output(0).Dims, fast.Output(0).Dims);
        Assert.Equal(reference.OutputBytes(0).ToArray(), fast.OutputBytes(0).ToArray());
    }

    /// <summary>int8 MaxPool without Indices takes the row-wise path (MaxPoolRowsInt8); with Indices, the generic
    /// reference. Both must give the same codes: 1-D and 2-D, the pair window with odd and even widths, padding, ceil_mode
    /// (a last window partly or wholly outside), overlapping windows.</summary>
    [Theory]
    [InlineData(new[] { 128 }, new[] { 2 }, new[] { 2 }, new[] { 0, 0 }, 0)]
    [InlineData(new[] { 131 }, new[] { 2 }, new[] { 2 }, new[] { 0, 0 }, 1)]
    [InlineData(new[] { 77 }, new[] { 3 }, new[] { 2 }, new[] { 1, 1 }, 0)]
    [InlineData(new[] { 40 }, new[] { 1 }, new[] { 2 }, new[] { 0, 1 }, 1)]
    [InlineData(new[] { 9, 70 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, 0)]
    [InlineData(new[] { 11, 13 }, new[] { 3, 3 }, new[] { 2, 2 }, new[] { 1, 1, 1, 1 }, 1)]
    [InlineData(new[] { 6, 7 }, new[] { 2, 3 }, new[] { 1, 1 }, new[] { 0, 1, 1, 0 }, 0)]
    // Whole planes at once (openWakeWord's pools): 1x2 stride (1, 2) and 2x2 stride 2 on narrow and wider rows.
    [InlineData(new[] { 32, 16 }, new[] { 1, 2 }, new[] { 1, 2 }, new[] { 0, 0, 0, 0 }, 0)]
    [InlineData(new[] { 10, 4 }, new[] { 1, 2 }, new[] { 1, 2 }, new[] { 0, 0, 0, 0 }, 0)]
    [InlineData(new[] { 28, 8 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, 0)]
    [InlineData(new[] { 6, 2 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, 0)]
    [InlineData(new[] { 8, 40 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, 0)]
    [InlineData(new[] { 32, 16 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, 0)] // rows of 8 bytes
    [InlineData(new[] { 30, 8 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, 0)] // rows of 4 bytes, 15 of them
    [InlineData(new[] { 32, 56 }, new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, 0)] // 4 of the 6 planes at once, then 2
    public void Int8_max_pool_rows_match_the_generic_reference(int[] spatial, int[] kernel, int[] strides, int[] pads, int ceil)
    {
        var rng = new Random(spatial.Sum());
        int[] dims = [2, 3, .. spatial];
        var x = new sbyte[dims.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
        x[0] = sbyte.MinValue;
        var attrs = Attrs(("kernel_shape", kernel), ("strides", strides), ("pads", pads), ("ceil_mode", ceil));
        AssertFastPathMatchesReference(attrs, ConstantTensor.FromArray(ElementType.Int8, dims, x));
    }

    [Fact]
    public unsafe void Int8_pair_max_vector_paths_match_the_scalar_reference_for_every_length()
    {
        var rng = new Random(5);
        for (int count = 0; count <= 100; count++)
        {
            var x = new sbyte[2 * count + 1];
            var y0 = new sbyte[count + 1];
            for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
            for (int i = 0; i < y0.Length; i++) y0[i] = (sbyte)rng.Next(-128, 128);
            var y1 = (sbyte[])y0.Clone();
            fixed (sbyte* px = x)
            fixed (sbyte* p0 = y0)
            fixed (sbyte* p1 = y1)
            {
                EdgeToken.Runtime.Kernels.Pooling.MaxPoolRowsInt8.PairMax(px, p0, count);
                EdgeToken.Runtime.Kernels.Pooling.MaxPoolRowsInt8.PairMaxScalar(px, p1, 0, count);
            }
            Assert.Equal(y1, y0);
        }
    }
}
