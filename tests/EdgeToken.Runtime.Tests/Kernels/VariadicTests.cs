using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class VariadicTests
{
    private static ConstantTensor F(int[] dims, params float[] v) => ConstantTensor.FromArray(ElementType.Float32, dims, v);

    [Theory]
    [InlineData("Max")]
    [InlineData("Min")]
    [InlineData("Sum")]
    [InlineData("Mean")]
    public void Three_inputs_with_broadcasting_match_a_scalar_reference(string op)
    {
        var a = KernelAssert.Random(2 * 3 * 37, 1);
        var b = KernelAssert.Random(37, 2);
        var c = KernelAssert.Random(1, 3);
        var y = SingleNodeRunner.Run(op, NodeAttributes.Empty, [F([2, 3, 37], a), F([37], b), F([], c)])[0];
        Assert.Equal(new[] { 2, 3, 37 }, y.Dims);
        var expected = new float[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            float[] v = [a[i], b[i % 37], c[0]];
            expected[i] = op switch
            {
                "Max" => v.Max(),
                "Min" => v.Min(),
                "Sum" => v[0] + v[1] + v[2],
                _ => (v[0] + v[1] + v[2]) / 3f,
            };
        }
        KernelAssert.Close(expected, y.AsSpan<float>(), rtol: 1e-6f);
    }

    [Fact]
    public void Max_propagates_nan_and_runs_integers()
    {
        var y = SingleNodeRunner.Run("Max", NodeAttributes.Empty, [F([3], 1f, float.NaN, -2f), F([3], 0f, 5f, -3f)])[0];
        Assert.Equal(1f, y.AsSpan<float>()[0]);
        Assert.True(float.IsNaN(y.AsSpan<float>()[1]));
        Assert.Equal(-2f, y.AsSpan<float>()[2]);
        var ints = SingleNodeRunner.Run("Min", NodeAttributes.Empty,
            [ConstantTensor.FromArray(ElementType.Int64, [2], new long[] { 4, -9 }), ConstantTensor.FromArray(ElementType.Int64, [1], new long[] { 0 })])[0];
        Assert.Equal(new long[] { 0, -9 }, ints.AsSpan<long>().ToArray());
    }
}
