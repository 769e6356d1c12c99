using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class UnaryMathTests
{
    public delegate void SpanOp(ReadOnlySpan<float> x, Span<float> y);

    public static TheoryData<string> Exact => ["Sqrt", "Abs", "Neg", "Erf"];

    private static (SpanOp Scalar, SpanOp Run, float Low, float High) Paths(string name) => name switch
    {
        "Sqrt" => (Sqrt.Scalar, Sqrt.Run, 0f, 100f),
        "Abs" => (Abs.Scalar, Abs.Run, -5f, 5f),
        "Neg" => (Neg.Scalar, Neg.Run, -5f, 5f),
        "Erf" => (Erf.Scalar, Erf.Run, -5f, 5f),
        "Exp" => (Exp.Scalar, Exp.Run, -80f, 80f),
        "Log" => (Log.Scalar, Log.Run, 1e-30f, 1e30f),
        _ => throw new ArgumentException(name),
    };

    private static float[] Uniform(int n, int seed, float low, float high)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = low + (float)rng.NextDouble() * (high - low);
        return v;
    }

    [Theory]
    [MemberData(nameof(Exact))]
    public void Vector_paths_match_scalar_reference_exactly_for_every_length(string name)
    {
        var (scalar, run, low, high) = Paths(name);
        for (int n = 0; n <= 67; n++)
        {
            var x = Uniform(n, n, low, high);
            var expected = new float[n];
            var actual = new float[n];
            scalar(x, expected);
            run(x, actual);
            KernelAssert.Close(expected, actual, rtol: 0f, atol: 0f);
            run(x, x); // in place
            KernelAssert.Close(expected, x, rtol: 0f, atol: 0f);
        }
    }

    [Theory]
    [InlineData("Exp")]
    [InlineData("Log")]
    public void Library_paths_match_math_within_a_few_ulp(string name)
    {
        var (scalar, run, low, high) = Paths(name);
        for (int n = 0; n <= 67; n++)
        {
            var x = Uniform(n, n, low, high);
            if (name == "Log") for (int i = 0; i < n; i++) x[i] = MathF.Exp(x[i] * 1e-30f * 60f); // spread over decades
            var expected = new float[n];
            var actual = new float[n];
            scalar(x, expected);
            run(x, actual);
            KernelAssert.Close(expected, actual, rtol: 4e-7f, atol: 1e-7f);
        }
    }

    [Fact]
    public void Special_values_follow_ieee()
    {
        var x = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -1f };
        var y = new float[x.Length];
        Sqrt.Run(x, y);
        Assert.True(float.IsNaN(y[0]) && y[1] == float.PositiveInfinity && float.IsNaN(y[2]) && float.IsNaN(y[5]));
        Erf.Run(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal([1f, -1f, 0f], [y[1], y[2], y[3]]);
        Assert.Equal(-0.842700793f, y[5], 1.2e-7f);
        var many = Enumerable.Repeat(float.NaN, 40).ToArray();
        Erf.Run(many, many);
        Assert.All(many, v => Assert.True(float.IsNaN(v)));
        Log.Run(x, y);
        Assert.Equal(float.NegativeInfinity, y[3]);
    }

    [Fact]
    public void Erf_is_within_2e7_of_the_exact_value_everywhere()
    {
        const int n = 200001;
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -7f + 14f * i / (n - 1);
        var y = new float[n];
        Erf.Run(x, y);
        double worst = 0;
        for (int i = 0; i < n; i++) worst = Math.Max(worst, Math.Abs(y[i] - ErfReference(x[i])));
        Assert.True(worst < 2e-7, $"max |error| {worst:E3}");
    }

    [Fact]
    public void Erf_reference_agrees_with_known_values()
    {
        // erf(0.5), erf(1), erf(2), erf(3) to 15 digits (Abramowitz & Stegun table 7.1).
        Assert.Equal(0.520499877813047, ErfReference(0.5), 1e-14);
        Assert.Equal(0.842700792949715, ErfReference(1), 1e-14);
        Assert.Equal(0.995322265018953, ErfReference(2), 1e-14);
        Assert.Equal(0.999977909503001, ErfReference(3), 1e-14);
    }

    /// <summary>erf in double from the all-positive series erf(x) = 2/√π·e^(-x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)),
    /// which has no cancellation, so it is good to ~1e-15 for |x| &lt; 6; beyond, erf is ±1 in double.</summary>
    internal static double ErfReference(double x)
    {
        if (Math.Abs(x) >= 6) return Math.Sign(x);
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 400 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum;
    }

    [Fact]
    public void Abs_and_neg_run_integers_with_numpy_wraparound()
    {
        var i32 = Enumerable.Range(-40, 80).Select(v => v * 1000).Append(int.MinValue).ToArray();
        var abs = SingleNodeRunner.Run("Abs", NodeAttributes.Empty, [ConstantTensor.FromArray(ElementType.Int32, [i32.Length], i32)])[0];
        Assert.Equal(i32.Select(v => v == int.MinValue ? int.MinValue : Math.Abs(v)).ToArray(), abs.AsSpan<int>().ToArray());
        var neg = SingleNodeRunner.Run("Neg", NodeAttributes.Empty, [ConstantTensor.FromArray(ElementType.Int32, [i32.Length], i32)])[0];
        Assert.Equal(i32.Select(v => unchecked(-v)).ToArray(), neg.AsSpan<int>().ToArray());

        var i8 = new sbyte[] { -128, -3, 0, 5, 127 };
        Assert.Equal(new sbyte[] { -128, 3, 0, 5, 127 }, SingleNodeRunner.Run("Abs", NodeAttributes.Empty, [ConstantTensor.FromArray(ElementType.Int8, [5], i8)])[0].AsSpan<sbyte>().ToArray());
        var u16 = new ushort[] { 0, 7, 65535 };
        Assert.Equal(u16, SingleNodeRunner.Run("Abs", NodeAttributes.Empty, [ConstantTensor.FromArray(ElementType.UInt16, [3], u16)])[0].AsSpan<ushort>().ToArray());
        var f64 = new[] { -2.5, 0.0, 3.0 };
        Assert.Equal(new[] { 2.5, -0.0, -3.0 }, SingleNodeRunner.Run("Neg", NodeAttributes.Empty, [ConstantTensor.FromArray(ElementType.Float64, [3], f64)])[0].AsSpan<double>().ToArray());
        Assert.Throws<UnsupportedOperatorException>(() => SingleNodeRunner.Run("Neg", NodeAttributes.Empty, [ConstantTensor.FromArray(ElementType.UInt16, [3], u16)]));
    }

    [Theory]
    [InlineData("Sqrt")]
    [InlineData("Exp")]
    [InlineData("Log")]
    [InlineData("Erf")]
    [InlineData("Abs")]
    [InlineData("Neg")]
    public void Operators_run_through_the_registry_in_place_capable(string name)
    {
        Assert.True(OperatorRegistry.TryGet(name, out var op));
        var node = new NodeContext("n", name, 17, NodeAttributes.Empty, [new TensorInfo(ElementType.Float32, [2, 3])], [null], 1);
        op.InferOutputs(node);
        Assert.Equal(0, op.InPlaceInput(node));
        var x = Uniform(6, 9, 0.1f, 3f);
        var y = SingleNodeRunner.Run(name, NodeAttributes.Empty, [ConstantTensor.FromArray(ElementType.Float32, [2, 3], x)])[0];
        Assert.Equal(new[] { 2, 3 }, y.Dims);
        var expected = new float[6];
        Paths(name).Scalar(x, expected);
        KernelAssert.Close(expected, y.AsSpan<float>(), rtol: 4e-7f, atol: 0f);
    }
}
