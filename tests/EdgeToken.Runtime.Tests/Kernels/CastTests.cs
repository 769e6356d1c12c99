using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class CastTests
{
    private static ConstantTensor CastTo(ConstantTensor x, ElementType to) =>
        SingleNodeRunner.Run("Cast", Attrs(to), [x])[0];

    private static NodeAttributes Attrs(ElementType to) =>
        new(new Dictionary<string, AttributeValue> { ["to"] = AttributeValue.Of((long)to) });

    [Fact]
    public void Library_paths_match_the_scalar_reference_for_every_length()
    {
        for (int n = 0; n <= 67; n++)
        {
            var f = KernelAssert.Random(n, seed: n, scale: 70000f); // past float16's range, so overflow to inf is covered
            Check<float, Half>(f);
            Check<float, double>(f);
            Check<float, int>(f);
            Check<float, sbyte>(f);
            var h = f.Select(v => (Half)(v / 8)).ToArray();
            Check<Half, float>(h);
            Check<Half, double>(h);
            var d = f.Select(v => v * 1.000000123).ToArray();
            Check<double, float>(d);
            Check<double, Half>(d);
            var i = f.Select(v => (int)v).ToArray();
            Check<int, float>(i);
            Check<int, long>(i);
            Check<int, byte>(i);
        }

        static void Check<TFrom, TTo>(TFrom[] x) where TFrom : unmanaged, System.Numerics.INumber<TFrom> where TTo : unmanaged, System.Numerics.INumber<TTo>
        {
            var expected = new TTo[x.Length];
            var actual = new TTo[x.Length];
            Cast.Scalar<TFrom, TTo>(x, expected);
            Cast.Run<TFrom, TTo>(x, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Double_to_float16_rounds_once_not_through_float()
    {
        // 1 + 2^-11 + 2^-40 is just above the midpoint between float16 1 and 1 + 2^-10. Through float the 2^-40
        // is lost, the value becomes the midpoint and ties to even (1); rounded once it goes up.
        double d = 1 + Math.Pow(2, -11) + Math.Pow(2, -40);
        var y = CastTo(ConstantTensor.FromArray(ElementType.Float64, [1], new[] { d }), ElementType.Float16);
        Assert.Equal(ElementType.Float16, y.Type);
        Assert.Equal(1 + Math.Pow(2, -10), (double)y.AsSpan<Half>()[0]);
    }

    [Fact]
    public void Float_to_float16_rounds_to_nearest_even_and_overflows_to_infinity()
    {
        var x = ConstantTensor.FromArray(ElementType.Float32, [4], new[] { 65504f, 65520f, 0.1f, -1e-8f });
        var y = CastTo(x, ElementType.Float16).AsSpan<Half>().ToArray();
        Assert.Equal(65504.0, (double)y[0]);
        Assert.True(Half.IsPositiveInfinity(y[1]));
        Assert.Equal((Half)0.1f, y[2]);
        Assert.Equal(0.0, (double)y[3]);
        var back = CastTo(ConstantTensor.FromArray(ElementType.Float16, [4], y), ElementType.Float32);
        Assert.Equal(new[] { 65504f, float.PositiveInfinity, (float)(Half)0.1f, -0f }, back.AsSpan<float>().ToArray());
    }

    [Fact]
    public void Floats_truncate_into_integers_and_integers_narrow_by_wrapping()
    {
        var f = ConstantTensor.FromArray(ElementType.Float32, [4], new[] { 1.9f, -1.9f, 2.5f, -0.5f });
        Assert.Equal(new[] { 1, -1, 2, 0 }, CastTo(f, ElementType.Int32).AsSpan<int>().ToArray());
        var i = ConstantTensor.FromArray(ElementType.Int32, [3], new[] { 300, -1, 255 });
        Assert.Equal(new byte[] { 44, 255, 255 }, CastTo(i, ElementType.UInt8).AsSpan<byte>().ToArray());
        Assert.Equal(new sbyte[] { 44, -1, -1 }, CastTo(i, ElementType.Int8).AsSpan<sbyte>().ToArray());
        Assert.Equal(new[] { 300.0, -1.0, 255.0 }, CastTo(i, ElementType.Float64).AsSpan<double>().ToArray());
    }

    [Fact]
    public void Bool_is_nonzero_and_converts_back_to_zero_or_one()
    {
        var f = ConstantTensor.FromArray(ElementType.Float32, [5], new[] { 0f, 0.5f, float.NaN, -0f, -3f });
        var b = CastTo(f, ElementType.Bool);
        Assert.Equal(ElementType.Bool, b.Type);
        Assert.Equal(new byte[] { 0, 1, 1, 0, 1 }, b.AsSpan<byte>().ToArray());
        Assert.Equal(new[] { 0f, 1f, 1f, 0f, 1f }, CastTo(b, ElementType.Float32).AsSpan<float>().ToArray());
    }

    [Fact]
    public void Same_type_cast_is_a_view_and_copies_when_not_shared()
    {
        Assert.True(OperatorRegistry.TryGet("Cast", out var cast));
        var node = new NodeContext("n", "Cast", 21, Attrs(ElementType.Float32), [new TensorInfo(ElementType.Float32, [3])], [null], 1);
        cast.InferOutputs(node);
        Assert.True(cast.IsView(node));
        var x = ConstantTensor.FromArray(ElementType.Float32, [3], new[] { 1f, 2f, 3f });
        Assert.Equal(new[] { 1f, 2f, 3f }, CastTo(x, ElementType.Float32).AsSpan<float>().ToArray());
    }

    [Fact]
    public void Missing_or_unsupported_target_is_reported()
    {
        var x = ConstantTensor.FromArray(ElementType.Float32, [1], new[] { 1f });
        Assert.Throws<ShapeException>(() => SingleNodeRunner.Run("Cast", NodeAttributes.Empty, [x]));
        Assert.Throws<UnsupportedOperatorException>(() => CastTo(x, ElementType.String));
        Assert.Throws<UnsupportedOperatorException>(() => CastTo(x, (ElementType)17)); // float8e4m3fn
    }
}
