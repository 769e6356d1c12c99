using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Layout;

public class ReshapeTests
{
    // The shapes of ONNX's test_reshape_* cases on a [2, 3, 4] input.
    [Theory]
    [InlineData(new long[] { 4, 2, 3 }, new[] { 4, 2, 3 })]      // reordered_all_dims
    [InlineData(new long[] { 2, 4, 3 }, new[] { 2, 4, 3 })]      // reordered_last_dims
    [InlineData(new long[] { 2, 12 }, new[] { 2, 12 })]          // reduced_dims
    [InlineData(new long[] { 2, 3, 2, 2 }, new[] { 2, 3, 2, 2 })] // extended_dims
    [InlineData(new long[] { 24 }, new[] { 24 })]                // one_dim
    [InlineData(new long[] { 2, -1, 2 }, new[] { 2, 6, 2 })]     // negative_dim
    [InlineData(new long[] { -1, 2, 3, 4 }, new[] { 1, 2, 3, 4 })] // negative_extended_dims
    [InlineData(new long[] { 2, 0, 4, 1 }, new[] { 2, 3, 4, 1 })] // zero_dim
    [InlineData(new long[] { 2, 0, 1, -1 }, new[] { 2, 3, 1, 4 })] // zero_and_negative_dim
    public void Resolves_the_requested_shape_and_keeps_the_bytes(long[] shape, int[] expected)
    {
        var x = T.Arange(2, 3, 4);
        var y = new LayoutHarness("Reshape", x, T.I64(shape)).Run0();
        Assert.Equal(expected, y.Dims);
        Assert.Equal(T.Floats(x), T.Floats(y));
    }

    [Fact]
    public void Allowzero_keeps_a_zero_as_a_real_dimension()
    {
        var x = T.F([0, 3, 4]);
        var y = new LayoutHarness("Reshape", x, T.I64(3, 4, 0)).With("allowzero", 1L).Run0();
        Assert.Equal(new[] { 3, 4, 0 }, y.Dims);
        Assert.Throws<ShapeException>(() => new LayoutHarness("Reshape", T.Arange(2, 3), T.I64(0, 3)).With("allowzero", 1L).Run0());
    }

    [Fact]
    public void Rejects_contradictions_and_runtime_shapes()
    {
        Assert.Throws<ShapeException>(() => new LayoutHarness("Reshape", T.Arange(2, 3), T.I64(-1, -1)).Run0());
        Assert.Throws<ShapeException>(() => new LayoutHarness("Reshape", T.Arange(2, 3), T.I64(4, 2)).Run0());
        Assert.Throws<ShapeException>(() => new LayoutHarness("Reshape", T.Arange(2, 3), T.I64(-1, 4)).Run0());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("Reshape", T.Arange(2, 3), T.I64(6)) { RuntimeInputs = [1] }.Run0());
    }

    [Fact]
    public void Does_nothing_when_the_planner_shares_the_buffer_and_allocates_nothing()
    {
        var x = T.Arange(2, 3, 4);
        var h = new LayoutHarness("Reshape", x, T.I64(6, 4)) { ShareInputWithOutput = true };
        var y = h.Run(out long allocated);
        Assert.Equal(T.Floats(x), T.Floats(y[0]));
        Assert.Equal(0, allocated);
        new LayoutHarness("Reshape", x, T.I64(6, 4)).Run(out allocated);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Old_opsets_take_the_shape_attribute()
    {
        var y = new LayoutHarness("Reshape", T.Arange(2, 3)) { Opset = 1 }.With("shape", new long[] { 3, -1 }).Run0();
        Assert.Equal(new[] { 3, 2 }, y.Dims);
    }
}

public class FlattenTests
{
    [Theory]
    [InlineData(0, 1, 120)]
    [InlineData(1, 2, 60)]
    [InlineData(2, 6, 20)]
    [InlineData(3, 24, 5)]
    [InlineData(4, 120, 1)]
    [InlineData(-1, 24, 5)]
    [InlineData(-2, 6, 20)]
    [InlineData(-3, 2, 60)]
    [InlineData(-4, 1, 120)]
    public void Splits_the_shape_at_axis(long axis, int outer, int inner)
    {
        var x = T.Arange(2, 3, 4, 5);
        var y = new LayoutHarness("Flatten", x).With("axis", axis).Run0();
        Assert.Equal(new[] { outer, inner }, y.Dims);
        Assert.Equal(T.Floats(x), T.Floats(y));
    }

    [Fact]
    public void Default_axis_is_1_and_out_of_range_axes_are_rejected()
    {
        Assert.Equal(new[] { 2, 60 }, new LayoutHarness("Flatten", T.Arange(2, 3, 4, 5)).Run0().Dims);
        Assert.Throws<ShapeException>(() => new LayoutHarness("Flatten", T.Arange(2, 3)).With("axis", 3L).Run0());
        Assert.Throws<ShapeException>(() => new LayoutHarness("Flatten", T.Arange(2, 3)).With("axis", -3L).Run0());
    }
}

public class SqueezeTests
{
    [Fact]
    public void Removes_listed_axes_from_an_input_or_an_attribute()
    {
        var x = T.Arange(1, 3, 4, 5);
        var y = new LayoutHarness("Squeeze", x, T.I64(0)).Run0();
        Assert.Equal(new[] { 3, 4, 5 }, y.Dims);
        Assert.Equal(T.Floats(x), T.Floats(y));
        var old = new LayoutHarness("Squeeze", x) { Opset = 11 }.With("axes", new long[] { 0 }).Run0();
        Assert.Equal(new[] { 3, 4, 5 }, old.Dims);
    }

    [Fact]
    public void Negative_axes_count_from_the_end()
    {
        var y = new LayoutHarness("Squeeze", T.Arange(1, 3, 1, 5), T.I64(-2)).Run0();
        Assert.Equal(new[] { 1, 3, 5 }, y.Dims);
    }

    [Fact]
    public void Without_axes_removes_every_unit_dimension()
    {
        Assert.Equal(new[] { 3, 5 }, new LayoutHarness("Squeeze", T.Arange(1, 3, 1, 5)).Run0().Dims);
        Assert.Equal(new[] { 3, 5 }, new LayoutHarness("Squeeze", T.Arange(1, 3, 1, 5), null) .Run0().Dims);
    }

    [Fact]
    public void Rejects_squeezing_a_dimension_that_is_not_1()
    {
        Assert.Throws<ShapeException>(() => new LayoutHarness("Squeeze", T.Arange(1, 3), T.I64(1)).Run0());
    }
}

public class UnsqueezeTests
{
    [Theory]
    [InlineData(new long[] { 0 }, new[] { 1, 3, 4, 5 })]
    [InlineData(new long[] { 1 }, new[] { 3, 1, 4, 5 })]
    [InlineData(new long[] { 2 }, new[] { 3, 4, 1, 5 })]
    [InlineData(new long[] { 1, 4 }, new[] { 3, 1, 4, 5, 1 })]
    [InlineData(new long[] { 2, 4, 5 }, new[] { 3, 4, 1, 5, 1, 1 })]
    [InlineData(new long[] { 5, 4, 2 }, new[] { 3, 4, 1, 5, 1, 1 })]
    public void Inserts_unit_axes_at_output_positions(long[] axes, int[] expected)
    {
        var x = T.Arange(3, 4, 5);
        var y = new LayoutHarness("Unsqueeze", x, T.I64(axes)).Run0();
        Assert.Equal(expected, y.Dims);
        Assert.Equal(T.Floats(x), T.Floats(y));
        var old = new LayoutHarness("Unsqueeze", x) { Opset = 11 }.With("axes", axes).Run0();
        Assert.Equal(expected, old.Dims);
    }

    [Fact]
    public void Negative_axes_count_from_the_output_rank()
    {
        Assert.Equal(new[] { 1, 3, 1, 1, 5 }, new LayoutHarness("Unsqueeze", T.Arange(1, 3, 1, 5), T.I64(-2)).Run0().Dims);
        Assert.Throws<ShapeException>(() => new LayoutHarness("Unsqueeze", T.Arange(3), T.I64(0, 0)).Run0());
    }
}

public class IdentityTests
{
    [Fact]
    public void Copies_any_sized_type_and_rejects_non_tensors()
    {
        var x = T.Of(ElementType.Int64, [2, 2], new long[] { 1, -2, 3, long.MaxValue });
        var y = new LayoutHarness("Identity", x).Run0();
        Assert.Equal(x.AsSpan<long>().ToArray(), y.AsSpan<long>().ToArray());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("Identity", T.Of(ElementType.String, [1], new byte[0])).Run0());
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("Identity", new ConstantTensor?[] { null }).Run0());
    }
}

public class DropoutTests
{
    private static readonly ConstantTensor X = T.Arange(3, 4, 5);

    [Fact]
    public void Inference_is_the_identity_with_an_all_true_mask()
    {
        var y = new LayoutHarness("Dropout", X) { Outputs = 2 }.Run();
        Assert.Equal(T.Floats(X), T.Floats(y[0]));
        Assert.Equal(ElementType.Bool, y[1].Type);
        Assert.Equal(X.Dims, y[1].Dims);
        Assert.All(y[1].Bytes.ToArray(), b => Assert.Equal(1, b));
    }

    [Fact]
    public void A_ratio_without_training_mode_changes_nothing()
    {
        var y = new LayoutHarness("Dropout", X, T.Scalar(0.75f)) { Outputs = 2 }.Run();
        Assert.Equal(T.Floats(X), T.Floats(y[0]));
        Assert.All(y[1].Bytes.ToArray(), b => Assert.Equal(1, b));
    }

    [Fact]
    public void Old_opsets_take_ratio_as_an_attribute()
    {
        var y = new LayoutHarness("Dropout", X) { Opset = 11 }.With("ratio", 0.2f).Run0();
        Assert.Equal(T.Floats(X), T.Floats(y));
        var oldMask = new LayoutHarness("Dropout", X) { Opset = 7, Outputs = 2 }.Run()[1];
        Assert.Equal(ElementType.Float32, oldMask.Type);
        Assert.All(T.Floats(oldMask), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Training_mode_with_ratio_zero_is_the_identity()
    {
        var training = T.Of(ElementType.Bool, [], new byte[] { 1 });
        var y = new LayoutHarness("Dropout", X, T.Scalar(0f), training) { Outputs = 2 }.Run();
        Assert.Equal(T.Floats(X), T.Floats(y[0]));
        Assert.All(y[1].Bytes.ToArray(), b => Assert.Equal(1, b));
    }

    [Fact]
    public void Random_training_dropout_is_unsupported()
    {
        var training = T.Of(ElementType.Bool, [], new byte[] { 1 });
        var e = Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("Dropout", X, T.Scalar(0.5f), training).Run0());
        Assert.Contains("training-mode Dropout is random", e.Message);
        Assert.Throws<UnsupportedOperatorException>(() => new LayoutHarness("Dropout", X, null, training).Run0());
        var off = T.Of(ElementType.Bool, [], new byte[] { 0 });
        Assert.Equal(T.Floats(X), T.Floats(new LayoutHarness("Dropout", X, T.Scalar(0.5f), off).Run0()));
    }

    [Fact]
    public void Shared_buffer_still_gets_its_mask()
    {
        var y = new LayoutHarness("Dropout", X) { Outputs = 2, ShareInputWithOutput = true }.Run(out long allocated);
        Assert.Equal(T.Floats(X), T.Floats(y[0]));
        Assert.All(y[1].Bytes.ToArray(), b => Assert.Equal(1, b));
        Assert.Equal(0, allocated);
    }
}
