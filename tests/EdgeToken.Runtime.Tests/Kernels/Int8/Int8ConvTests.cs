using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class Int8ConvTests
{
    public static TheoryData<Int8Path> SupportedPaths() => Int8GemmTests.SupportedPaths();

    private static readonly (string Name, Int8ConvGeometry G)[] Cases =
    [
        ("1-D", Int8ConvGeometry.Create(3, 1, 40, 8, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
        ("1-D strided dilated", Int8ConvGeometry.Create(4, 1, 33, 6, 1, 3, 1, (1, 2), (1, 3), (0, 1, 0, 0))),
        ("2-D", Int8ConvGeometry.Create(3, 9, 7, 5, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("2-D strided asymmetric pads", Int8ConvGeometry.Create(2, 10, 11, 4, 3, 2, 1, (2, 3), (1, 1), (0, 1, 2, 0))),
        ("grouped", Int8ConvGeometry.Create(6, 5, 5, 4, 3, 3, 2, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("depthwise 2-D", Int8ConvGeometry.Create(8, 6, 6, 8, 3, 3, 8, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("depthwise 1-D", Int8ConvGeometry.Create(16, 1, 50, 16, 1, 7, 16, (1, 1), (1, 1), (0, 3, 0, 3))),
        ("pointwise wide", Int8ConvGeometry.Create(70, 2, 3, 9, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
    ];

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Gemm_based_convolution_matches_the_definition_on_every_path(Int8Path path)
    {
        var rng = new Random(3);
        foreach (var (name, g) in Cases)
        {
            var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
            var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng);
            for (int i = 0; i < w.Length; i++) if (w[i] == -128) w[i] = -127; // symmetric weights
            var bias = new int[g.OutChannels];
            for (int i = 0; i < bias.Length; i++) bias[i] = rng.Next(-5000, 5000);
            var scales = new FixedPointMultiplier[g.OutChannels];
            for (int i = 0; i < scales.Length; i++) scales[i] = FixedPointMultiplier.FromReal(0.001 + rng.NextDouble() * 0.01);
            int zx = rng.Next(-20, 20), zy = rng.Next(-10, 10);
            var (min, max) = name.Contains("1-D") ? Int8Clamp.Relu(zy) : (-128, 127);

            var expected = new sbyte[g.OutChannels * g.OutPixels];
            Int8Conv.Reference(g, x, w, bias, scales, zx, zy, min, max, expected);
            var actual = new sbyte[expected.Length];
            var scratch = new byte[g.ScratchBytes];
            Int8Conv.Run(g, x, Int8Conv.PackWeights(g, w), Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx), scales, zx, zy, min, max, actual, scratch, path);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} on {path}");
        }
    }

    [Fact]
    public void Output_shape_follows_pads_strides_and_dilations()
    {
        var g = Int8ConvGeometry.Create(1, 1, 33, 1, 1, 3, 1, (1, 2), (1, 3), (0, 1, 0, 0));
        Assert.Equal((1, 14), (g.OutH, g.OutW)); // (33 + 1 - 7) / 2 + 1
        Assert.True(Int8ConvGeometry.Create(8, 6, 6, 8, 3, 3, 8, (1, 1), (1, 1), (1, 1, 1, 1)).IsDepthwise);
        Assert.Throws<ArgumentException>(() => Int8ConvGeometry.Create(3, 1, 4, 2, 1, 9, 1, (1, 1), (1, 1), (0, 0, 0, 0)));
        Assert.Throws<ArgumentException>(() => Int8ConvGeometry.Create(3, 1, 4, 2, 1, 1, 2, (1, 1), (1, 1), (0, 0, 0, 0)));
    }
}
