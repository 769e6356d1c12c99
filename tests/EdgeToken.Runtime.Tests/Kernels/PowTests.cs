using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class PowTests
{
    private static ConstantTensor[] Run(ConstantTensor a, ConstantTensor b) => SingleNodeRunner.Run("Pow", NodeAttributes.Empty, [a, b]);

    [Fact]
    public void Float_pow_broadcasts_like_numpy()
    {
        var a = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        var b = new[] { 1f, 2f, 0.5f };
        var y = Run(ConstantTensor.FromArray(ElementType.Float32, [2, 3], a), ConstantTensor.FromArray(ElementType.Float32, [3], b));
        var expected = Broadcasting.Apply(a, [2, 3], b, [3], [2, 3], MathF.Pow);
        Assert.Equal(expected, y[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public void Constant_exponent_two_takes_the_square_path_and_matches_pow()
    {
        var a = KernelAssert.Random(67, seed: 4, scale: 5f);
        var x = ConstantTensor.FromArray(ElementType.Float32, [67], a);
        var y = Run(x, ConstantTensor.FromArray(ElementType.Float32, [], new[] { 2f }));
        KernelAssert.Close(a.Select(v => MathF.Pow(v, 2f)).ToArray(), y[0].AsSpan<float>());
    }

    [Fact]
    public void Mixed_types_keep_the_base_type()
    {
        var f = ConstantTensor.FromArray(ElementType.Float32, [3], new[] { 1f, 2f, 3f });
        var i32 = ConstantTensor.FromArray(ElementType.Int32, [3], new[] { 4, 5, 6 });
        var i64 = ConstantTensor.FromArray(ElementType.Int64, [3], new[] { 4L, 5L, 6L });
        var u64 = ConstantTensor.FromArray(ElementType.UInt64, [3], new[] { 4UL, 5UL, 6UL });
        var fExp = ConstantTensor.FromArray(ElementType.Float32, [3], new[] { 4f, 5f, 6f });
        var iBase = ConstantTensor.FromArray(ElementType.Int32, [3], new[] { 1, 2, 3 });
        var lBase = ConstantTensor.FromArray(ElementType.Int64, [3], new[] { 1L, 2L, 3L });

        var y = Run(f, i32)[0];
        Assert.Equal(ElementType.Float32, y.Type);
        Assert.Equal(new[] { 1f, 32f, 729f }, y.AsSpan<float>().ToArray());
        Assert.Equal(new[] { 1f, 32f, 729f }, Run(f, u64)[0].AsSpan<float>().ToArray());

        y = Run(iBase, fExp)[0];
        Assert.Equal(ElementType.Int32, y.Type);
        Assert.Equal(new[] { 1, 32, 729 }, y.AsSpan<int>().ToArray());
        Assert.Equal(new[] { 1, 32, 729 }, Run(iBase, i32)[0].AsSpan<int>().ToArray());
        Assert.Equal(new[] { 1L, 32L, 729L }, Run(lBase, i64)[0].AsSpan<long>().ToArray());
        Assert.Equal(new[] { 1L, 32L, 729L }, Run(lBase, fExp)[0].AsSpan<long>().ToArray());
    }

    [Fact]
    public void Integer_pow_is_exact_beyond_double_precision()
    {
        var a = ConstantTensor.FromArray(ElementType.Int64, [2], new[] { 3L, -1L });
        var b = ConstantTensor.FromArray(ElementType.Int64, [2], new[] { 39L, -3L });
        // 3^39 = 4052555153018976267 needs 62 bits: a double would round it.
        Assert.Equal(new[] { 4052555153018976267L, -1L }, Run(a, b)[0].AsSpan<long>().ToArray());
    }
}
