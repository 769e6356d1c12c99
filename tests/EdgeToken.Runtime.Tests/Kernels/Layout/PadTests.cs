using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Layout;

public class PadTests
{
    /// <summary>numpy.pad semantics, one coordinate at a time: reflection bounces off the edges, wrap goes round.</summary>
    private static float[] Reference(ConstantTensor x, long[] begin, long[] end, string mode, float value, out int[] dims)
    {
        int rank = x.Dims.Length;
        dims = new int[rank];
        for (int d = 0; d < rank; d++) dims[d] = (int)(x.Dims[d] + begin[d] + end[d]);
        var y = new float[Shape.ElementCount(dims)];
        for (int o = 0; o < y.Length; o++)
        {
            var c = T.Coordinates(dims, o);
            bool constant = false;
            for (int d = 0; d < rank; d++)
            {
                long i = c[d] - begin[d], n = x.Dims[d];
                if (i >= 0 && i < n) { c[d] = (int)i; continue; }
                switch (mode)
                {
                    case "constant": constant = true; break;
                    case "edge": i = i < 0 ? 0 : n - 1; break;
                    case "wrap": while (i < 0) i += n; while (i >= n) i -= n; break;
                    case "reflect":
                        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
                        break;
                }
                c[d] = (int)i;
            }
            y[o] = constant ? value : x.AsSpan<float>()[(int)T.Flat(x.Dims, c)];
        }
        return y;
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("edge")]
    [InlineData("reflect")]
    [InlineData("wrap")]
    public void Modes_match_numpy_pad(string mode)
    {
        var x = T.F([1, 3, 4, 5], KernelAssert.Random(60, seed: 3));
        long[] pads = mode == "constant" ? [0, 0, 1, 3, 0, 0, 2, 4] : [0, 0, 1, 1, 0, 0, 1, 1];
        var inputs = mode == "constant" ? new ConstantTensor?[] { x, T.I64(pads), T.Scalar(1.2f) } : [x, T.I64(pads)];
        var y = new LayoutHarness("Pad", inputs).With("mode", mode).Run(out long allocated)[0];
        var expected = Reference(x, pads[..4], pads[4..], mode, 1.2f, out var dims);
        Assert.Equal(dims, y.Dims);
        Assert.Equal(expected, T.Floats(y));
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("edge")]
    [InlineData("reflect")]
    [InlineData("wrap")]
    public void Wide_and_negative_pads_match_numpy_pad(string mode)
    {
        // Pads wider than the axis make reflect and wrap go round more than once; negative pads crop.
        var x = T.F([3, 4], KernelAssert.Random(12, seed: 5));
        long[] begin = [5, -1], end = [-2, 9];
        var y = new LayoutHarness("Pad", x, T.I64([.. begin, .. end])).With("mode", mode).Run0();
        Assert.Equal(Reference(x, begin, end, mode, 0f, out var dims), T.Floats(y));
        Assert.Equal(dims, y.Dims);
    }

    [Fact]
    public void Axes_select_what_the_pads_apply_to()
    {
        // test_constant_pad_axes and test_constant_pad_negative_axes.
        var x = T.F([1, 3, 4, 5], KernelAssert.Random(60, seed: 4));
        var expected = Reference(x, [0, 0, 0, 3], [0, 0, 0, 4], "constant", 1.2f, out var dims);
        foreach (var axes in new[] { new long[] { 1, 3 }, [-3, -1] })
        {
            var y = new LayoutHarness("Pad", x, T.I64(0, 3, 0, 4), T.Scalar(1.2f), T.I64(axes)).Run0();
            Assert.Equal(new[] { 1, 3, 4, 12 }, y.Dims);
            Assert.Equal(expected, T.Floats(y));
        }
    }

    [Fact]
    public void Other_types_and_the_old_attribute_form()
    {
        var x = T.Of(ElementType.Int32, [2, 2], new[] { 1, 2, 3, 4 });
        var y = new LayoutHarness("Pad", x, T.I64(1, 0, 0, 1), T.Of(ElementType.Int32, [], new[] { -7 })).Run0();
        Assert.Equal(new[] { -7, -7, -7, 1, 2, -7, 3, 4, -7 }, y.AsSpan<int>().ToArray());
        var old = new LayoutHarness("Pad", x) { Opset = 2 }.With("pads", new long[] { 0, 1, 0, 0 }).With("value", 9f).Run0();
        Assert.Equal(new[] { 9, 1, 2, 9, 3, 4 }, old.AsSpan<int>().ToArray());
        var runtimeValue = new LayoutHarness("Pad", x, T.I64(0, 0, 1, 0), T.Of(ElementType.Int32, [], new[] { 5 })) { RuntimeInputs = [2] }.Run0();
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 5 }, runtimeValue.AsSpan<int>().ToArray());
    }

    [Fact]
    public void Rejects_bad_pads()
    {
        Assert.Throws<ShapeException>(() => new LayoutHarness("Pad", T.Arange(2, 2), T.I64(1, 1)).Run0());
        Assert.Throws<ShapeException>(() => new LayoutHarness("Pad", T.Arange(2, 2), T.I64(-3, 0, 0, 0)).Run0());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("Pad", T.Arange(2, 2), T.I64(1, 0, 0, 0)).With("mode", "mirror").Run0());
    }
}
