using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Activations;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class ActivationTests
{
    public delegate void SpanOp(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>Ops whose vector and scalar forms do the same float operations: they must agree bit for bit.</summary>
    private static readonly (string Name, SpanOp Scalar, SpanOp Run)[] ExactOps =
    [
        ("LeakyRelu", (x, y) => LeakyRelu.Scalar(x, y, 0.01f), (x, y) => LeakyRelu.Run(x, y, 0.01f)),
        ("LeakyRelu alpha>1", (x, y) => LeakyRelu.Scalar(x, y, 2.5f), (x, y) => LeakyRelu.Run(x, y, 2.5f)),
        ("HardSigmoid", (x, y) => HardSigmoid.Scalar(x, y, 0.2f, 0.5f), (x, y) => HardSigmoid.Run(x, y, 0.2f, 0.5f)),
        ("HardSwish", HardSwish.Scalar, HardSwish.Run),
        ("Clip", (x, y) => Clip.Scalar(x, y, -0.5f, 1.25f), (x, y) => Clip.Run(x, y, -0.5f, 1.25f)),
        ("Clip min>max", (x, y) => Clip.Scalar(x, y, 2f, 1f), (x, y) => Clip.Run(x, y, 2f, 1f)),
        ("Gelu erf", Gelu.ScalarErf, Gelu.RunErf),
    ];

    /// <summary>Ops whose vector form uses a vector exp (or TensorPrimitives) against MathF in the reference.</summary>
    private static readonly (string Name, SpanOp Scalar, SpanOp Run, float Rtol)[] CloseOps =
    [
        ("Sigmoid", Sigmoid.Scalar, Sigmoid.Run, 2e-6f),
        ("Tanh", Tanh.Scalar, Tanh.Run, 2e-6f),
        ("Elu", (x, y) => Elu.Scalar(x, y, 1f), (x, y) => Elu.Run(x, y, 1f), 2e-6f),
        ("Selu", (x, y) => Selu.Scalar(x, y, Selu.DefaultAlpha, Selu.DefaultGamma), (x, y) => Selu.Run(x, y, Selu.DefaultAlpha, Selu.DefaultGamma), 2e-6f),
        ("Gelu tanh", Gelu.ScalarTanh, Gelu.RunTanh, 1e-5f),
    ];

    private static float[] Input(int n, int seed)
    {
        var x = KernelAssert.Random(n, seed, scale: 6f);
        // Land special values in vector lanes and in tails.
        if (n > 5) x[5] = float.NaN;
        if (n > 17) x[17] = 0f;
        if (n > 33) x[33] = -0f;
        if (n > 40) x[40] = float.NegativeInfinity;
        if (n > 66) x[66] = float.PositiveInfinity;
        return x;
    }

    [Fact]
    public void Vector_paths_match_scalar_reference_exactly_for_every_length()
    {
        foreach (var (name, scalar, run) in ExactOps)
            for (int n = 0; n <= 67; n++)
            {
                var x = Input(n, n);
                var expected = new float[n];
                var actual = new float[n];
                scalar(x, expected);
                run(x, actual);
                for (int i = 0; i < n; i++)
                    Assert.True(expected[i].Equals(actual[i]), $"{name} n={n} i={i} x={x[i]}: expected {expected[i]}, got {actual[i]}");
                run(x, x);
                Assert.Equal(actual, x);
            }
    }

    [Fact]
    public void Exp_based_paths_match_math_reference_for_every_length()
    {
        foreach (var (name, scalar, run, rtol) in CloseOps)
            for (int n = 0; n <= 67; n++)
            {
                var x = Input(n, 100 + n);
                var expected = new float[n];
                var actual = new float[n];
                scalar(x, expected);
                run(x, actual);
                KernelAssert.Close(expected, actual, rtol, atol: 1e-7f);
                run(x, x);
                Assert.Equal(actual, x);
            }
    }

    [Fact]
    public void Gelu_erf_is_close_to_the_exact_double_value()
    {
        for (int i = -800; i <= 800; i++)
        {
            double x = i / 100.0;
            double exact = 0.5 * x * (1 + UnaryMathTests.ErfReference(x / Math.Sqrt(2)));
            var y = new float[1];
            Gelu.RunErf([(float)x], y);
            Assert.True(Math.Abs(y[0] - exact) <= 2e-7 + 1e-6 * Math.Abs(exact), $"x={x}: {y[0]} vs {exact}");
        }
    }

    private static float[] RunOp(string op, float[] x, NodeAttributes? attrs = null, int opset = 22) =>
        SingleNodeRunner.Run(op, attrs ?? NodeAttributes.Empty, [ConstantTensor.FromArray(ElementType.Float32, [x.Length], x)], opset: opset)[0].AsSpan<float>().ToArray();

    private static NodeAttributes Attrs(params (string Name, AttributeValue Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void Spec_examples_and_defaults()
    {
        float[] x = [-1f, 0f, 1f];
        KernelAssert.Close([-0.01f, 0f, 1f], RunOp("LeakyRelu", x));
        KernelAssert.Close([-0.1f, 0f, 1f], RunOp("LeakyRelu", x, Attrs(("alpha", AttributeValue.Of(0.1f)))));
        KernelAssert.Close([0.3f, 0.5f, 0.7f], RunOp("HardSigmoid", x));
        KernelAssert.Close([0.4f, 0.6f, 0.8f], RunOp("HardSigmoid", x, Attrs(("alpha", AttributeValue.Of(0.2f)), ("beta", AttributeValue.Of(0.6f)))));
        KernelAssert.Close([-1f / 3f, 0f, 2f / 3f], RunOp("HardSwish", x));
        KernelAssert.Close([-0.63212055f, 0f, 1f], RunOp("Elu", x));
        KernelAssert.Close([-1.2642411f, 0f, 1f], RunOp("Elu", x, Attrs(("alpha", AttributeValue.Of(2f)))));
        KernelAssert.Close([-1.1113307f, 0f, 1.050701f], RunOp("Selu", x));
        KernelAssert.Close([-3.79272318f, 0f, 3f], RunOp("Selu", x, Attrs(("alpha", AttributeValue.Of(2f)), ("gamma", AttributeValue.Of(3f)))));
        KernelAssert.Close([0.26894142f, 0.5f, 0.7310586f], RunOp("Sigmoid", x));
        KernelAssert.Close([-0.7615942f, 0f, 0.7615942f], RunOp("Tanh", x));
        KernelAssert.Close([-0.15865526f, 0f, 0.8413447f], RunOp("Gelu", x));
        KernelAssert.Close([-0.158808f, 0f, 0.841192f], RunOp("Gelu", x, Attrs(("approximate", AttributeValue.Of("tanh")))));
        Assert.Throws<ShapeException>(() => RunOp("Gelu", x, Attrs(("approximate", AttributeValue.Of("fast")))));
    }

    [Theory]
    [InlineData("LeakyRelu")]
    [InlineData("PRelu")]
    [InlineData("Sigmoid")]
    [InlineData("HardSigmoid")]
    [InlineData("HardSwish")]
    [InlineData("Tanh")]
    [InlineData("Gelu")]
    [InlineData("Elu")]
    [InlineData("Selu")]
    [InlineData("Clip")]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    public void Activations_may_overwrite_their_input(string name)
    {
        Assert.True(OperatorRegistry.TryGet(name, out var op));
        var infos = name == "PRelu"
            ? new[] { new TensorInfo(ElementType.Float32, [2, 3]), new TensorInfo(ElementType.Float32, [3]) }
            : [new TensorInfo(ElementType.Float32, [2, 3])];
        var node = new NodeContext("n", name, 22, NodeAttributes.Empty, infos, new ConstantTensor?[infos.Length], 1);
        op.InferOutputs(node);
        Assert.Equal(0, op.InPlaceInput(node));
    }

    [Fact]
    public void Prelu_broadcasts_the_slope_to_x()
    {
        var rng = new Random(7);
        foreach (var slopeDims in new[] { new[] { 3, 4, 5 }, [5], [4, 1], [3, 1, 1], [1], [] })
        {
            int[] xDims = [3, 4, 5];
            var x = KernelAssert.Random(60, seed: 1, scale: 2f);
            var slope = KernelAssert.Random((int)Shape.ElementCount(slopeDims), seed: 2);
            var y = SingleNodeRunner.Run("PRelu", NodeAttributes.Empty,
                [ConstantTensor.FromArray(ElementType.Float32, xDims, x), ConstantTensor.FromArray(ElementType.Float32, slopeDims, slope)])[0];
            Assert.Equal(xDims, y.Dims);
            Assert.Equal(Broadcasting.Apply(x, xDims, slope, slopeDims, xDims, (v, s) => v < 0 ? s * v : v), y.AsSpan<float>().ToArray());
        }
        // Slope must broadcast to X without growing it.
        Assert.Throws<ShapeException>(() => SingleNodeRunner.Run("PRelu", NodeAttributes.Empty,
            [ConstantTensor.FromArray(ElementType.Float32, [5], new float[5]), ConstantTensor.FromArray(ElementType.Float32, [2, 5], new float[10])]));
    }

    [Fact]
    public void Prelu_vector_paths_match_scalar_reference()
    {
        for (int n = 0; n <= 67; n++)
        {
            var x = Input(n, n);
            var slope = KernelAssert.Random(n, seed: 500 + n);
            var expected = new float[n];
            var actual = new float[n];
            PRelu.Scalar(x, slope, expected);
            PRelu.Run(x, slope, actual);
            Assert.Equal(expected, actual);
            PRelu.Scalar(x, Enumerable.Repeat(0.3f, n).ToArray(), expected);
            PRelu.Run(x, 0.3f, actual);
            Assert.Equal(expected, actual);
        }
    }

    private static ConstantTensor F(params float[] v) => ConstantTensor.FromArray(ElementType.Float32, [v.Length], v);
    private static ConstantTensor Scalar(float v) => ConstantTensor.FromArray(ElementType.Float32, [], new[] { v });

    [Fact]
    public void Clip_bounds_are_optional_inputs_from_opset_11()
    {
        var x = F(-2f, -1f, 0f, 1f, 2f, float.NaN);
        float[] Run(ConstantTensor? lo, ConstantTensor? hi) =>
            SingleNodeRunner.Run("Clip", NodeAttributes.Empty, [x, lo, hi], opset: 13)[0].AsSpan<float>().ToArray();

        Assert.Equal(new[] { -1f, -1f, 0f, 1f, 1f, float.NaN }, Run(Scalar(-1f), Scalar(1f)));
        Assert.Equal(new[] { -1f, -1f, 0f, 1f, 2f, float.NaN }, Run(Scalar(-1f), null));
        Assert.Equal(new[] { -2f, -1f, 0f, 1f, 1f, float.NaN }, Run(null, Scalar(1f)));
        Assert.Equal(new[] { -2f, -1f, 0f, 1f, 2f, float.NaN }, Run(null, null));
        Assert.Equal(new[] { 1f, 1f, 1f, 1f, 1f, float.NaN }, Run(Scalar(2f), Scalar(1f))); // min > max: max everywhere
        var inf = SingleNodeRunner.Run("Clip", NodeAttributes.Empty, [F(float.NegativeInfinity, float.PositiveInfinity)], opset: 13)[0];
        Assert.Equal(new[] { float.NegativeInfinity, float.PositiveInfinity }, inf.AsSpan<float>().ToArray());
        Assert.Throws<ShapeException>(() => SingleNodeRunner.Run("Clip", NodeAttributes.Empty, [x, F(1f, 2f)], opset: 13));
    }

    [Fact]
    public void Clip_bounds_are_attributes_before_opset_11()
    {
        var x = F(-2f, 0.5f, 2f, float.NegativeInfinity);
        var y = SingleNodeRunner.Run("Clip", Attrs(("min", AttributeValue.Of(-1f)), ("max", AttributeValue.Of(1f))), [x], opset: 6)[0];
        Assert.Equal(new[] { -1f, 0.5f, 1f, -1f }, y.AsSpan<float>().ToArray());
        // Clip-6's defaults are float's lowest and largest values, not infinities.
        var d = SingleNodeRunner.Run("Clip", NodeAttributes.Empty, [x], opset: 6)[0];
        Assert.Equal(new[] { -2f, 0.5f, 2f, float.MinValue }, d.AsSpan<float>().ToArray());
    }

    [Fact]
    public void Clip_runs_int8_with_and_without_bounds()
    {
        var values = Enumerable.Range(-128, 256).Select(v => (sbyte)v).ToArray();
        var x = ConstantTensor.FromArray(ElementType.Int8, [256], values);
        var none = SingleNodeRunner.Run("Clip", NodeAttributes.Empty, [x], opset: 13)[0];
        Assert.Equal(values, none.AsSpan<sbyte>().ToArray());
        var lo = ConstantTensor.FromArray(ElementType.Int8, [], new sbyte[] { -3 });
        var hi = ConstantTensor.FromArray(ElementType.Int8, [], new sbyte[] { 5 });
        var both = SingleNodeRunner.Run("Clip", NodeAttributes.Empty, [x, lo, hi], opset: 13)[0];
        Assert.Equal(values.Select(v => (sbyte)Math.Clamp((int)v, -3, 5)).ToArray(), both.AsSpan<sbyte>().ToArray());
        var onlyMax = SingleNodeRunner.Run("Clip", NodeAttributes.Empty, [x, null, hi], opset: 13)[0];
        Assert.Equal(values.Select(v => (sbyte)Math.Min((int)v, 5)).ToArray(), onlyMax.AsSpan<sbyte>().ToArray());
    }
}
