using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class Int8ElementwiseTests
{
    private static sbyte Quantize(double v, double scale, int zero) =>
        (sbyte)Math.Clamp(Math.Round(v / scale, MidpointRounding.AwayFromZero) + zero, -128, 127);

    [Fact]
    public void Add_is_the_correctly_rounded_sum_of_every_pair_of_codes()
    {
        var add = new Int8Add(0.05, 3, 0.02, -7, 0.06, 1);
        for (int a = -128; a < 128; a++)
            for (int b = -128; b < 128; b++)
            {
                double exact = ((a - 3) * 0.05 + (b + 7) * 0.02) / 0.06;
                // Skip pairs within float noise of a tie, where double itself cannot say which way is right.
                if (Math.Abs(exact - Math.Floor(exact) - 0.5) < 1e-9) continue;
                Assert.Equal(Quantize(exact * 0.06, 0.06, 1), add.One((sbyte)a, (sbyte)b));
            }
    }

    [Fact]
    public void Add_rounds_an_exact_half_away_from_zero()
    {
        var add = new Int8Add(0.5, 0, 0.5, 0, 1, 0); // (a + b) / 2
        Assert.Equal(2, add.One(1, 2));    // 1.5 -> 2
        Assert.Equal(-2, add.One(-1, -2)); // -1.5 -> -2
        Assert.Equal(127, add.One(127, 127));
    }

    [Fact]
    public void Mul_is_the_correctly_rounded_product_of_every_pair_of_codes()
    {
        var mul = new Int8Mul(0.05, 3, 0.02, -7, 0.01, -2);
        for (int a = -128; a < 128; a++)
            for (int b = -128; b < 128; b++)
            {
                double exact = (a - 3) * 0.05 * ((b + 7) * 0.02) / 0.01;
                if (Math.Abs(exact - Math.Floor(exact) - 0.5) < 1e-9) continue;
                Assert.Equal(Quantize(exact * 0.01, 0.01, -2), mul.One((sbyte)a, (sbyte)b));
            }
        var y = new sbyte[2];
        mul.Run([13, 13], [3, -17], y);
        Assert.Equal([mul.One(13, 3), mul.One(13, -17)], y);
    }

    [Fact]
    public void Vector_add_and_mul_equal_the_scalar_reference_on_every_pair_of_codes()
    {
        // Every (a, b) pair once, in a length that leaves a tail for the scalar loop; clamps inside the byte range.
        var a = new sbyte[65536 + 7];
        var b = new sbyte[a.Length];
        for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)(i >> 8); b[i] = (sbyte)i; }
        var add = new Int8Add(0.05, 3, 0.02, -7, 0.06, 1);
        var half = new Int8Add(0.5, 0, 0.5, 0, 1, 0, 0, 127);
        var mul = new Int8Mul(0.05, 3, 0.02, -7, 0.01, -2, -100, 90);
        for (int kernel = 0; kernel < 3; kernel++)
        {
            var expected = new sbyte[a.Length];
            var actual = new sbyte[a.Length];
            switch (kernel)
            {
                case 0: add.RunScalar(a, b, expected); add.Run(a, b, actual); break;
                case 1: half.RunScalar(a, b, expected); half.Run(a, b, actual); break;
                default: mul.RunScalar(a, b, expected); mul.Run(a, b, actual); break;
            }
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Vector_concat_requantization_equals_the_scalar_reference()
    {
        var x = new sbyte[256 * 3 + 5];
        for (int i = 0; i < x.Length; i++) x[i] = (sbyte)(i * 7);
        var concat = new Int8Concat(1, [x.Length], [0.09f], [-20], 0.05f, 4);
        var y = new sbyte[x.Length];
        concat.Run(0, x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = (x[i] + 20) * (double)0.09f / 0.05f;
            Assert.Equal(concat.One(0, x[i]), y[i]);
            Assert.Equal(Math.Clamp(Math.Round(exact, MidpointRounding.AwayFromZero) + 4, -128, 127), y[i]);
        }
    }

    public static TheoryData<string> Functions() => ["Sigmoid", "Tanh", "Gelu", "HardSwish"];

    [Theory]
    [MemberData(nameof(Functions))]
    public void Lookup_table_holds_the_quantized_function_of_every_code(string name)
    {
        Func<double, double> f = name switch
        {
            "Sigmoid" => Int8Lookup.Functions.Sigmoid,
            "Tanh" => Int8Lookup.Functions.Tanh,
            "Gelu" => Int8Lookup.Functions.Gelu,
            _ => Int8Lookup.Functions.HardSwish,
        };
        Func<double, double> reference = name switch
        {
            "Sigmoid" => v => 1 / (1 + Math.Exp(-v)),
            "Tanh" => Math.Tanh,
            "Gelu" => v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), // close form
            _ => v => v * Math.Min(Math.Max(v + 3, 0), 6) / 6,
        };
        double sx = 0.05, sy = 0.01; int zx = 4, zy = -30;
        var table = new Int8Lookup(f, sx, zx, sy, zy);
        var x = new sbyte[256];
        for (int i = 0; i < 256; i++) x[i] = (sbyte)(i - 128);
        var y = new sbyte[256];
        table.Run(x, y);
        for (int i = 0; i < 256; i++)
        {
            double exact = reference(sx * (x[i] - zx)) / sy;
            int expected = Quantize(exact * sy, sy, zy);
            // At an exact tie (HardSwish of -2.1 is -0.315 = -31.5 steps) double rounding noise may pick either side.
            bool tie = Math.Abs(Math.Abs(exact - Math.Floor(exact)) - 0.5) < 1e-9;
            Assert.True(Math.Abs(expected - y[i]) <= (name == "Gelu" || tie ? 1 : 0), $"{name}({x[i]}): expected {expected}, got {y[i]}");
        }
    }

    [Fact]
    public void Relu_and_clip_are_clamps_of_the_codes()
    {
        var rng = new Random(2);
        var x = Int8GemmTests.RandomBytes(100, rng);
        var (lo, hi) = Int8Clamp.Clip(-0.5f, 0.8f, 0.01, 5);
        Assert.Equal((-45, 85), (lo, hi));
        Assert.Equal((-3, 127), Int8Clamp.Relu(-3));
        Assert.Equal((-128, 127), Int8Clamp.Clip(float.NegativeInfinity, float.PositiveInfinity, 0.01, 5));
        var expected = new sbyte[100];
        var actual = new sbyte[100];
        for (int n = 0; n <= 100; n++)
        {
            Int8Clamp.Scalar(x.AsSpan(0, n), expected, lo, hi);
            Int8Clamp.Run(x.AsSpan(0, n), actual, lo, hi);
            Assert.True(expected.AsSpan(0, n).SequenceEqual(actual.AsSpan(0, n)));
        }
        foreach (var v in expected) Assert.InRange(v, lo, hi);
    }

    [Fact]
    public void Pooling_takes_the_max_and_the_rounded_mean_of_the_window_without_padding()
    {
        // one channel, 1 x 5, window 2, stride 2, pad end 1: windows {1, -3}, {4, 6}, {-5}
        var g = Int8ConvGeometry.Create(1, 1, 5, 1, 1, 2, 1, (1, 2), (1, 1), (0, 0, 0, 1));
        sbyte[] x = [1, -3, 4, 6, -5];
        var y = new sbyte[3];
        Int8Pool.Max(g, x, y);
        Assert.Equal([1, 6, -5], y);
        Int8Pool.Average(g, x, y);
        Assert.Equal([-1, 5, -5], y); // -1 exactly, 5 exactly, -5 (padding not counted)
        sbyte[] halves = [1, 2, -1, -2, 3, 3];
        var g2 = Int8ConvGeometry.Create(1, 1, 6, 1, 1, 2, 1, (1, 2), (1, 1), (0, 0, 0, 0));
        Int8Pool.Average(g2, halves, y);
        Assert.Equal([2, -2, 3], y); // 1.5 -> 2, -1.5 -> -2
        // 2-D, two channels, against a direct computation
        var g3 = Int8ConvGeometry.Create(2, 4, 4, 2, 2, 2, 1, (2, 2), (1, 1), (0, 0, 0, 0));
        var x3 = new sbyte[32];
        for (int i = 0; i < 32; i++) x3[i] = (sbyte)(i * 7 % 50 - 25);
        var y3 = new sbyte[8];
        Int8Pool.Max(g3, x3, y3);
        for (int c = 0; c < 2; c++)
            for (int oh = 0; oh < 2; oh++)
                for (int ow = 0; ow < 2; ow++)
                {
                    int b = c * 16 + oh * 8 + ow * 2;
                    Assert.Equal(Math.Max(Math.Max(x3[b], x3[b + 1]), Math.Max(x3[b + 4], x3[b + 5])), y3[c * 4 + oh * 2 + ow]);
                }
    }
}
