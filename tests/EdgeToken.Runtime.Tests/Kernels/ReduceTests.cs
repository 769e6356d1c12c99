using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Reduction;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class ReduceTests
{
    /// <summary>Straight from the spec: every input element goes to the output element whose index is its
    /// own with the reduced axes zeroed, then each output's list of values is reduced.</summary>
    private static float[] Reference(ReduceKind kind, float[] x, int[] dims, bool[] reduce)
    {
        int rank = dims.Length;
        var outDims = new int[rank];
        for (int d = 0; d < rank; d++) outDims[d] = reduce[d] ? 1 : dims[d];
        var outStrides = Shape.Strides(outDims);
        int outCount = (int)Shape.ElementCount(outDims);
        var lists = new List<double>[outCount];
        for (int o = 0; o < outCount; o++) lists[o] = [];
        var index = new int[rank];
        for (int i = 0; i < x.Length; i++)
        {
            int rem = i, o = 0;
            for (int d = rank - 1; d >= 0; d--) { index[d] = rem % dims[d]; rem /= dims[d]; }
            for (int d = 0; d < rank; d++) if (!reduce[d]) o += index[d] * outStrides[d];
            lists[o].Add(x[i]);
        }
        var y = new float[outCount];
        for (int o = 0; o < outCount; o++)
        {
            var v = lists[o];
            y[o] = (float)(kind switch
            {
                ReduceKind.Sum => v.Sum(),
                ReduceKind.Mean => v.Sum() / v.Count,
                ReduceKind.Max => v.Count == 0 ? double.NegativeInfinity : v.Max(),
                ReduceKind.Min => v.Count == 0 ? double.PositiveInfinity : v.Min(),
                ReduceKind.Prod => v.Aggregate(1.0, (a, b) => a * b),
                ReduceKind.SumSquare => v.Sum(a => a * a),
                ReduceKind.L1 => v.Sum(Math.Abs),
                ReduceKind.L2 => Math.Sqrt(v.Sum(a => a * a)),
                ReduceKind.LogSum => Math.Log(v.Sum()),
                ReduceKind.LogSumExp => Math.Log(v.Sum(Math.Exp)),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            });
        }
        return y;
    }

    private static ConstantTensor Floats(int[] dims, float[] values) => ConstantTensor.FromArray(ElementType.Float32, dims, values);
    private static ConstantTensor Longs(params long[] values) => ConstantTensor.FromArray(ElementType.Int64, [values.Length], values);

    private static NodeAttributes Attrs(params (string Name, AttributeValue Value)[] attrs)
    {
        var d = new Dictionary<string, AttributeValue>();
        foreach (var (n, v) in attrs) d[n] = v;
        return new NodeAttributes(d);
    }

    [Theory]
    [InlineData(ReduceKind.Sum)]
    [InlineData(ReduceKind.Mean)]
    [InlineData(ReduceKind.Max)]
    [InlineData(ReduceKind.Min)]
    [InlineData(ReduceKind.Prod)]
    [InlineData(ReduceKind.SumSquare)]
    [InlineData(ReduceKind.L1)]
    [InlineData(ReduceKind.L2)]
    [InlineData(ReduceKind.LogSum)]
    [InlineData(ReduceKind.LogSumExp)]
    public void Float_matches_reference_for_random_shapes_and_axes(ReduceKind kind)
    {
        var rng = new Random(1234 + (int)kind);
        for (int trial = 0; trial < 150; trial++)
        {
            int rank = rng.Next(1, 5);
            var dims = new int[rank];
            for (int d = 0; d < rank; d++) dims[d] = rng.Next(1, trial < 100 ? 6 : 14);
            var reduce = new bool[rank];
            var axes = new List<long>();
            for (int d = 0; d < rank; d++)
                if (rng.Next(2) == 0) { reduce[d] = true; axes.Add(rng.Next(2) == 0 ? d : d - rank); }
            if (axes.Count == 0) Array.Fill(reduce, true); // no axes: reduce everything
            bool keep = rng.Next(2) == 0;
            int n = (int)Shape.ElementCount(dims);
            // Positive inputs for the logs; products of small numbers near 1 so they stay finite.
            var x = KernelAssert.Random(n, trial, scale: 1f);
            if (kind is ReduceKind.LogSum) for (int i = 0; i < n; i++) x[i] = Math.Abs(x[i]) + 0.1f;
            if (kind is ReduceKind.Prod) for (int i = 0; i < n; i++) x[i] = 1f + x[i] * 0.05f;

            var inputs = axes.Count == 0 ? new ConstantTensor?[] { Floats(dims, x) } : [Floats(dims, x), Longs([.. axes])];
            var y = SingleNodeRunner.Run(kind.OpType(), Attrs(("keepdims", AttributeValue.Of(keep ? 1L : 0L))), inputs, opset: 18);

            var expectedDims = new List<int>();
            for (int d = 0; d < rank; d++) if (!reduce[d]) expectedDims.Add(dims[d]); else if (keep) expectedDims.Add(1);
            Assert.Equal(expectedDims.ToArray(), y[0].Dims);
            KernelAssert.Close(Reference(kind, x, dims, reduce), y[0].AsSpan<float>(), rtol: 1e-4f, atol: 1e-5f);
        }
    }

    [Fact]
    public void Axes_attribute_form_of_older_opsets()
    {
        var x = new float[] { 1, 2, 3, 4, 5, 6 };
        var y = SingleNodeRunner.Run("ReduceMean", Attrs(("axes", AttributeValue.Of(new long[] { 1 })), ("keepdims", AttributeValue.Of(0L))),
            [Floats([2, 3], x)], opset: 13);
        Assert.Equal(new[] { 2 }, y[0].Dims);
        Assert.Equal(new[] { 2f, 5f }, y[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public void Empty_axes_with_noop_is_identity_and_without_reduces_everything()
    {
        var x = new float[] { 1, 2, 3, 4, 5, 6 };
        var noop = SingleNodeRunner.Run("ReduceSum", Attrs(("noop_with_empty_axes", AttributeValue.Of(1L))), [Floats([2, 3], x), Longs()], opset: 13);
        Assert.Equal(new[] { 2, 3 }, noop[0].Dims);
        Assert.Equal(x, noop[0].AsSpan<float>().ToArray());
        var all = SingleNodeRunner.Run("ReduceSum", NodeAttributes.Empty, [Floats([2, 3], x), Longs()], opset: 13);
        Assert.Equal(new[] { 1, 1 }, all[0].Dims);
        Assert.Equal(21f, all[0].AsSpan<float>()[0]);
    }

    [Fact]
    public void Empty_set_reductions_give_the_identity_of_the_operation()
    {
        var x = Floats([2, 0, 4], []);
        var sum = SingleNodeRunner.Run("ReduceSum", NodeAttributes.Empty, [x, Longs(1)], opset: 13);
        Assert.Equal(new[] { 2, 1, 4 }, sum[0].Dims);
        Assert.All(sum[0].AsSpan<float>().ToArray(), v => Assert.Equal(0f, v));
        var max = SingleNodeRunner.Run("ReduceMax", NodeAttributes.Empty, [x, Longs(1)], opset: 20);
        Assert.All(max[0].AsSpan<float>().ToArray(), v => Assert.Equal(float.NegativeInfinity, v));
        var prod = SingleNodeRunner.Run("ReduceProd", NodeAttributes.Empty, [x, Longs(1)], opset: 18);
        Assert.All(prod[0].AsSpan<float>().ToArray(), v => Assert.Equal(1f, v));
        var nonReduced = SingleNodeRunner.Run("ReduceSum", NodeAttributes.Empty, [x, Longs(2)], opset: 13);
        Assert.Equal(new[] { 2, 0, 1 }, nonReduced[0].Dims);
    }

    [Fact]
    public void Max_of_bools_is_any_and_sum_of_int64_is_exact()
    {
        var b = ConstantTensor.FromArray(ElementType.Bool, [4, 2], new byte[] { 1, 1, 1, 0, 0, 1, 0, 0 });
        var any = SingleNodeRunner.Run("ReduceMax", Attrs(("keepdims", AttributeValue.Of(1L))), [b, Longs(1)], opset: 20);
        Assert.Equal(ElementType.Bool, any[0].Type);
        Assert.Equal(new byte[] { 1, 1, 1, 0 }, any[0].AsSpan<byte>().ToArray());

        long big = 1L << 60;
        var l = ConstantTensor.FromArray(ElementType.Int64, [2, 2], new[] { big, 1L, -3L, 5L });
        var sum = SingleNodeRunner.Run("ReduceSum", Attrs(("keepdims", AttributeValue.Of(0L))), [l, Longs(1)], opset: 13);
        Assert.Equal(new[] { big + 1, 2L }, sum[0].AsSpan<long>().ToArray());

        var i = ConstantTensor.FromArray(ElementType.Int32, [3], new[] { -7, 4, 2 });
        var min = SingleNodeRunner.Run("ReduceMin", NodeAttributes.Empty, [i], opset: 18);
        Assert.Equal(-7, min[0].AsSpan<int>()[0]);
    }

    [Fact]
    public void Logs_reject_integer_inputs_and_duplicate_axes_are_an_error()
    {
        var i = ConstantTensor.FromArray(ElementType.Int32, [3], new[] { 1, 2, 3 });
        Assert.Throws<UnsupportedOperatorException>(() => SingleNodeRunner.Run("ReduceL2", NodeAttributes.Empty, [i], opset: 18));
        Assert.Throws<ShapeException>(() => SingleNodeRunner.Run("ReduceSum", NodeAttributes.Empty, [Floats([2, 2], new float[4]), Longs(1, -1)], opset: 13));
    }
}
