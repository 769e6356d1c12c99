using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Layout;

public class ConstantAndShapeTests
{
    [Fact]
    public void Constant_emits_each_value_attribute()
    {
        var tensor = T.Of(ElementType.Int32, [2], new[] { 4, -5 });
        var y = new LayoutHarness("Constant").With("value", tensor).Run0();
        Assert.Equal(new[] { 4, -5 }, y.AsSpan<int>().ToArray());
        Assert.Equal(new[] { 2 }, y.Dims);
        var f = new LayoutHarness("Constant").With("value_float", 2.5f).Run0();
        Assert.Equal((ElementType.Float32, 0, 2.5f), (f.Type, f.Dims.Length, f.AsSpan<float>()[0]));
        Assert.Equal(new[] { 1f, 2f }, T.Floats(new LayoutHarness("Constant").With("value_floats", new[] { 1f, 2f }).Run0()));
        var i = new LayoutHarness("Constant").With("value_int", 7L).Run0();
        Assert.Equal((ElementType.Int64, 7L), (i.Type, i.AsSpan<long>()[0]));
        Assert.Equal(new[] { 3L, 4L }, new LayoutHarness("Constant").With("value_ints", new long[] { 3, 4 }).Run0().AsSpan<long>().ToArray());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("Constant").With("value_string", "a").Run0());
    }

    [Theory]
    [InlineData(null, null, new long[] { 3, 4, 5 })]
    [InlineData(1L, null, new long[] { 4, 5 })]
    [InlineData(null, -1L, new long[] { 3, 4 })]
    [InlineData(-10L, 10L, new long[] { 3, 4, 5 })]
    [InlineData(2L, 1L, new long[0])]
    public void Shape_writes_the_dimensions_between_start_and_end(long? start, long? end, long[] expected)
    {
        var h = new LayoutHarness("Shape", T.Arange(3, 4, 5));
        if (start is { } s) h.With("start", s);
        if (end is { } e) h.With("end", e);
        var y = h.Run0();
        Assert.Equal(ElementType.Int64, y.Type);
        Assert.Equal(expected, y.AsSpan<long>().ToArray());
    }
}

public class SplitTests
{
    [Fact]
    public void Splits_equally_by_sizes_or_by_num_outputs()
    {
        var x = T.Arange(2, 6);
        var equal = new LayoutHarness("Split", x) { Outputs = 3 }.With("axis", 1L).Run();
        Assert.Equal(new float[] { 0, 1, 6, 7 }, T.Floats(equal[0]));
        Assert.Equal(new float[] { 4, 5, 10, 11 }, T.Floats(equal[2]));
        var sized = new LayoutHarness("Split", x, T.I64(1, 5)) { Outputs = 2 }.With("axis", -1L).Run();
        Assert.Equal(new[] { 2, 5 }, sized[1].Dims);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 7, 8, 9, 10, 11 }, T.Floats(sized[1]));
        var old = new LayoutHarness("Split", x) { Opset = 11, Outputs = 2 }.With("axis", 1L).With("split", new long[] { 4, 2 }).Run();
        Assert.Equal(new float[] { 4, 5, 10, 11 }, T.Floats(old[1]));
        var uneven = new LayoutHarness("Split", T.Arange(7)) { Outputs = 3 }.With("num_outputs", 3L).Run();
        Assert.Equal(new[] { 3, 3, 1 }, uneven.Select(t => t.Dims[0]).ToArray());
        Assert.Equal(new float[] { 6 }, T.Floats(uneven[2]));
        Assert.Throws<ShapeException>(() => new LayoutHarness("Split", T.Arange(7)) { Outputs = 3 }.Run());
    }
}

public class ExpandTileTests
{
    private static float[] Broadcast(ConstantTensor x, int[] outDims)
    {
        var y = new float[Shape.ElementCount(outDims)];
        int shift = outDims.Length - x.Dims.Length;
        for (int o = 0; o < y.Length; o++)
        {
            var c = T.Coordinates(outDims, o);
            var ic = new int[x.Dims.Length];
            for (int d = 0; d < ic.Length; d++) ic[d] = x.Dims[d] == 1 ? 0 : c[d + shift];
            y[o] = x.AsSpan<float>()[(int)T.Flat(x.Dims, ic)];
        }
        return y;
    }

    [Theory]
    [InlineData(new[] { 3, 1 }, new long[] { 2, 1, 6 }, new[] { 2, 3, 6 })]
    [InlineData(new[] { 3, 1 }, new long[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 1, 4 }, new long[] { 5, 1 }, new[] { 5, 4 })]
    [InlineData(new[] { 2, 1, 3 }, new long[] { 4, 3 }, new[] { 2, 4, 3 })]
    public void Expand_broadcasts_both_ways(int[] inDims, long[] shape, int[] outDims)
    {
        var x = T.Arange(inDims);
        var y = new LayoutHarness("Expand", x, T.I64(shape)).Run(out long allocated)[0];
        Assert.Equal(outDims, y.Dims);
        Assert.Equal(Broadcast(x, outDims), T.Floats(y));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Tile_repeats_every_axis()
    {
        var x = T.Arange(2, 3);
        var y = new LayoutHarness("Tile", x, T.I64(2, 3)).Run0();
        Assert.Equal(new[] { 4, 9 }, y.Dims);
        var expected = new float[36];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 9; j++) expected[i * 9 + j] = (i % 2) * 3 + j % 3;
        Assert.Equal(expected, T.Floats(y));
        Assert.Empty(T.Floats(new LayoutHarness("Tile", x, T.I64(0, 1)).Run0()));
        Assert.Throws<ShapeException>(() => new LayoutHarness("Tile", x, T.I64(2)).Run0());
    }
}

public class WhereTests
{
    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 2, 3 }, new[] { 2, 3 })]
    [InlineData(new[] { 3 }, new[] { 2, 1 }, new int[0])]
    [InlineData(new[] { 2, 1, 4 }, new[] { 3, 1 }, new[] { 1, 4 })]
    public void Selects_with_broadcasting(int[] condDims, int[] xDims, int[] yDims)
    {
        var outDims = Shape.Broadcast(Shape.Broadcast(condDims, xDims), yDims);
        var cond = new byte[Shape.ElementCount(condDims)];
        for (int i = 0; i < cond.Length; i++) cond[i] = (byte)(i % 3 == 0 ? 1 : 0);
        var x = T.Arange(xDims);
        var y = T.F(yDims, Enumerable.Range(0, (int)Shape.ElementCount(yDims)).Select(i => -1f - i).ToArray());
        var r = new LayoutHarness("Where", T.Of(ElementType.Bool, condDims, cond), x, y).Run(out long allocated)[0];
        Assert.Equal(outDims, r.Dims);
        var expected = new float[Shape.ElementCount(outDims)];
        for (int o = 0; o < expected.Length; o++)
        {
            var c = T.Coordinates(outDims, o);
            long At(int[] dims) { var ic = new int[dims.Length]; for (int d = 0; d < dims.Length; d++) ic[d] = dims[d] == 1 ? 0 : c[d + outDims.Length - dims.Length]; return T.Flat(dims, ic); }
            expected[o] = cond[At(condDims)] != 0 ? T.Floats(x)[At(xDims)] : T.Floats(y)[At(yDims)];
        }
        Assert.Equal(expected, T.Floats(r));
        Assert.Equal(0, allocated);
    }
}
