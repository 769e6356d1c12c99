using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Activations;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class ReluTests
{
    [Fact]
    public void Vector_paths_match_scalar_reference_for_every_length_and_tail()
    {
        for (int n = 0; n <= 67; n++)
        {
            var x = KernelAssert.Random(n, seed: n, scale: 3f);
            var expected = new float[n];
            var actual = new float[n];
            Relu.Scalar(x, expected);
            Relu.Run(x, actual);
            KernelAssert.Close(expected, actual, rtol: 0f, atol: 0f);
        }
    }

    [Fact]
    public void Operator_runs_through_the_registry()
    {
        var x = ConstantTensor.FromArray(ElementType.Float32, [2, 2], new[] { -1f, 2f, -3f, 4f });
        var y = SingleNodeRunner.Run("Relu", NodeAttributes.Empty, [x]);
        Assert.Equal(new[] { 2, 2 }, y[0].Dims);
        Assert.Equal(new[] { 0f, 2f, 0f, 4f }, y[0].AsSpan<float>().ToArray());
    }
}
