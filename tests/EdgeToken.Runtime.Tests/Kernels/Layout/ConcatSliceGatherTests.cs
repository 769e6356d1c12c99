using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Layout;

public class ConcatTests
{
    private static float[] Reference(ConstantTensor[] inputs, int axis)
    {
        var outDims = (int[])inputs[0].Dims.Clone();
        outDims[axis] = inputs.Sum(t => t.Dims[axis]);
        var y = new float[Shape.ElementCount(outDims)];
        for (int o = 0; o < y.Length; o++)
        {
            var c = T.Coordinates(outDims, o);
            int which = 0;
            while (c[axis] >= inputs[which].Dims[axis]) c[axis] -= inputs[which++].Dims[axis];
            y[o] = inputs[which].AsSpan<float>()[(int)T.Flat(inputs[which].Dims, c)];
        }
        return y;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, -1)]
    [InlineData(2, 0)]
    [InlineData(2, 1)]
    [InlineData(2, -1)]
    [InlineData(2, -2)]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(3, -1)]
    [InlineData(3, -2)]
    [InlineData(3, -3)]
    public void Matches_the_reference_on_every_axis(int rank, long axis)
    {
        int a = (int)(axis < 0 ? axis + rank : axis);
        var inputs = new ConstantTensor[3];
        for (int i = 0; i < 3; i++)
        {
            var dims = new int[rank];
            for (int d = 0; d < rank; d++) dims[d] = d == a ? i + 1 : d + 2;
            var v = KernelAssert.Random((int)Shape.ElementCount(dims), seed: i);
            inputs[i] = T.F(dims, v);
        }
        var y = new LayoutHarness("Concat", inputs).With("axis", axis).Run(out long allocated)[0];
        Assert.Equal(Reference(inputs, a), T.Floats(y));
        Assert.Equal(6, y.Dims[a]);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Rejects_mismatched_inputs()
    {
        Assert.Throws<ShapeException>(() => new LayoutHarness("Concat", T.Arange(2, 3), T.Arange(3, 3)).With("axis", 1L).Run0());
        Assert.Throws<ShapeException>(() => new LayoutHarness("Concat", T.Arange(2, 3), T.Of(ElementType.Int32, [2, 3], new int[6])).With("axis", 0L).Run0());
    }
}

public class SliceTests
{
    /// <summary>Python's slice(start, stop, step).indices(dim), which the ONNX spec's clamping reproduces.</summary>
    private static List<int> Indices(long dim, long start, long end, long step)
    {
        long Fix(long v, bool isStart)
        {
            if (v < 0) { v += dim; if (v < 0) v = step < 0 ? -1 : 0; }
            else if (v >= dim) v = step < 0 ? dim - 1 : dim;
            return v;
        }
        long s = Fix(start, true), e = Fix(end, false);
        var list = new List<int>();
        for (long i = s; step > 0 ? i < e : i > e; i += step) list.Add((int)i);
        return list;
    }

    private static float[] Reference(ConstantTensor x, long[] starts, long[] ends, long[] axes, long[] steps, out int[] dims)
    {
        int rank = x.Dims.Length;
        var picks = new List<int>[rank];
        for (int d = 0; d < rank; d++) picks[d] = Enumerable.Range(0, x.Dims[d]).ToList();
        for (int i = 0; i < starts.Length; i++)
        {
            int a = (int)(axes[i] < 0 ? axes[i] + rank : axes[i]);
            picks[a] = Indices(x.Dims[a], starts[i], ends[i], steps[i]);
        }
        dims = picks.Select(p => p.Count).ToArray();
        var y = new float[Shape.ElementCount(dims)];
        for (int o = 0; o < y.Length; o++)
        {
            var c = T.Coordinates(dims, o);
            for (int d = 0; d < rank; d++) c[d] = picks[d][c[d]];
            y[o] = x.AsSpan<float>()[(int)T.Flat(x.Dims, c)];
        }
        return y;
    }

    public static TheoryData<long[], long[], long[]?, long[]?> Cases => new()
    {
        { [0, 0], [3, 10], [0, 1], [1, 1] },                 // test_slice
        { [0, 0, 3], [20, 10, 4], null, null },              // test_slice_default_axes
        { [0, 0, 3], [20, 10, 4], [0, 1, 2], null },         // test_slice_default_steps
        { [1], [1000], [1], [1] },                           // test_slice_end_out_of_bounds
        { [0], [-1], [1], [1] },                             // test_slice_neg
        { [20, 10, 4], [0, 0, 1], [0, 1, 2], [-1, -3, -2] }, // test_slice_neg_steps
        { [0, 0, 3], [20, 10, 4], [0, -2, -1], null },       // test_slice_negative_axes
        { [1000], [1000], [1], [1] },                        // test_slice_start_out_of_bounds
        { [-1], [long.MinValue], [2], [-1] },                // full reverse with an INT64_MIN end
        { [long.MinValue, 2], [long.MaxValue, -1000], [0, 1], [3, -4] },
        { [5, -100], [-100, 100], [2, 0], [-2, 7] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_python_slicing(long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        var x = T.Arange(20, 10, 5);
        var inputs = new List<ConstantTensor?> { x, T.I64(starts), T.I64(ends) };
        if (axes is not null || steps is not null) inputs.Add(axes is null ? null : T.I64(axes));
        if (steps is not null) inputs.Add(T.I64(steps));
        var y = new LayoutHarness("Slice", inputs.ToArray()).Run(out long allocated)[0];
        var expected = Reference(x, starts, ends, axes ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray(),
            steps ?? starts.Select(_ => 1L).ToArray(), out var dims);
        Assert.Equal(dims, y.Dims);
        Assert.Equal(expected, T.Floats(y));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Int32_parameters_and_old_attribute_form()
    {
        var x = T.Arange(4, 6);
        var y = new LayoutHarness("Slice", x, T.I32(1, 2), T.I32(3, 5)).Run0();
        Assert.Equal(new[] { 2, 3 }, y.Dims);
        Assert.Equal(new float[] { 8, 9, 10, 14, 15, 16 }, T.Floats(y));
        var old = new LayoutHarness("Slice", x) { Opset = 9 }.With("starts", new long[] { 1 }).With("ends", new long[] { 3 }).With("axes", new long[] { 1 }).Run0();
        Assert.Equal(new float[] { 1, 2, 7, 8, 13, 14, 19, 20 }, T.Floats(old));
    }

    [Fact]
    public void Rejects_zero_steps_and_runtime_starts()
    {
        Assert.Throws<ShapeException>(() => new LayoutHarness("Slice", T.Arange(4), T.I64(0), T.I64(4), T.I64(0), T.I64(0)).Run0());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("Slice", T.Arange(4), T.I64(0), T.I64(4)) { RuntimeInputs = [1] }.Run0());
    }
}

public class GatherTests
{
    private static float[] Reference(ConstantTensor data, long[] indices, int[] indexDims, int axis, out int[] dims)
    {
        dims = [.. data.Dims[..axis], .. indexDims, .. data.Dims[(axis + 1)..]];
        var y = new float[Shape.ElementCount(dims)];
        for (int o = 0; o < y.Length; o++)
        {
            var c = T.Coordinates(dims, o);
            var ic = c.Skip(axis).Take(indexDims.Length).ToArray();
            long index = indices[T.Flat(indexDims, ic)];
            if (index < 0) index += data.Dims[axis];
            int[] dc = [.. c[..axis], (int)index, .. c[(axis + indexDims.Length)..]];
            y[o] = data.AsSpan<float>()[(int)T.Flat(data.Dims, dc)];
        }
        return y;
    }

    [Theory]
    [InlineData(0, new long[] { 0, 1, 3 }, false)] // test_gather_0
    [InlineData(1, new long[] { 0, 1, 3 }, false)] // test_gather_1
    [InlineData(2, new long[] { 2, -1, 0, -3 }, false)]
    [InlineData(-1, new long[] { 1, 0 }, false)]
    [InlineData(0, new long[] { 0, 1, 3 }, true)]
    [InlineData(1, new long[] { -3, 2 }, true)]
    public void Matches_the_reference_with_constant_or_runtime_indices(int axis, long[] indices, bool runtime)
    {
        var data = T.Arange(5, 4, 3, 2);
        foreach (bool int32 in new[] { false, true })
        {
            var idx = int32 ? T.I32(indices.Select(v => (int)v).ToArray()) : T.I64(indices);
            var y = new LayoutHarness("Gather", data, idx) { RuntimeInputs = runtime ? [1] : [] }.With("axis", (long)axis).Run(out long allocated)[0];
            var expected = Reference(data, indices, [indices.Length], axis < 0 ? axis + 4 : axis, out var dims);
            Assert.Equal(dims, y.Dims);
            Assert.Equal(expected, T.Floats(y));
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void Two_dimensional_indices()
    {
        // test_gather_2d_indices: data [3, 3], indices [[0, 2]], axis 1.
        var data = T.Arange(3, 3);
        var indices = T.Of(ElementType.Int64, [1, 2], new long[] { 0, 2 });
        var y = new LayoutHarness("Gather", data, indices).With("axis", 1L).Run0();
        Assert.Equal(new[] { 3, 1, 2 }, y.Dims);
        Assert.Equal(new float[] { 0, 2, 3, 5, 6, 8 }, T.Floats(y));
    }

    [Fact]
    public void Negative_indices_count_from_the_end()
    {
        // test_gather_negative_indices: arange(10), indices [0, -9, -10].
        var y = new LayoutHarness("Gather", T.Arange(10), T.I64(0, -9, -10)).Run0();
        Assert.Equal(new float[] { 0, 1, 0 }, T.Floats(y));
    }

    [Fact]
    public void Out_of_range_indices_are_reported()
    {
        Assert.Throws<ShapeException>(() => new LayoutHarness("Gather", T.Arange(4), T.I64(4)).Run0());
        Assert.Throws<IndexOutOfRangeException>(() => new LayoutHarness("Gather", T.Arange(4), T.I64(-5)) { RuntimeInputs = [1] }.Run0());
    }
}
