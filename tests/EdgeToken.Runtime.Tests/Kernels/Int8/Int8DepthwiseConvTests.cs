using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class Int8DepthwiseConvTests
{
    internal static readonly (string Name, Int8ConvGeometry G)[] Cases =
    [
        ("3x3 pad 1", Int8ConvGeometry.Create(16, 16, 16, 16, 3, 3, 16, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("3x3 no pad narrow", Int8ConvGeometry.Create(3, 7, 5, 3, 3, 3, 3, (1, 1), (1, 1), (0, 0, 0, 0))),
        ("3x3 stride 2", Int8ConvGeometry.Create(5, 13, 17, 5, 3, 3, 5, (2, 2), (1, 1), (1, 1, 1, 1))),
        ("3x3 stride 2 along H only", Int8ConvGeometry.Create(4, 12, 20, 4, 3, 3, 4, (2, 1), (1, 1), (1, 0, 0, 1))),
        ("5x5 pad 2", Int8ConvGeometry.Create(6, 11, 37, 6, 5, 5, 6, (1, 1), (1, 1), (2, 2, 2, 2))),
        ("5x5 stride 2 asymmetric", Int8ConvGeometry.Create(3, 14, 9, 3, 5, 5, 3, (2, 2), (1, 1), (2, 1, 1, 2))),
        ("3x3 dilated", Int8ConvGeometry.Create(2, 10, 10, 2, 3, 3, 2, (1, 1), (2, 2), (2, 2, 2, 2))),
        ("1-D 3", Int8ConvGeometry.Create(8, 1, 49, 8, 1, 3, 8, (1, 1), (1, 1), (0, 1, 0, 1))),
        ("1-D 5 stride 2", Int8ConvGeometry.Create(4, 1, 33, 4, 1, 5, 4, (1, 2), (1, 1), (0, 2, 0, 2))),
        ("1-D 7 one-sided pad", Int8ConvGeometry.Create(16, 1, 50, 16, 1, 7, 16, (1, 1), (1, 1), (0, 6, 0, 0))),
        // Rows a multiple of sixteen: the row pairs are built straight from the input.
        ("3x3 no pad width 32", Int8ConvGeometry.Create(3, 6, 32, 3, 3, 3, 3, (1, 1), (1, 1), (0, 0, 0, 0))),
        ("3x3 dilated width 16", Int8ConvGeometry.Create(2, 9, 16, 2, 3, 3, 2, (1, 1), (2, 2), (2, 2, 2, 2))),
        ("3x3 stride 2 along H width 16", Int8ConvGeometry.Create(3, 11, 16, 3, 3, 3, 3, (2, 1), (1, 1), (1, 1, 1, 1))),
        ("2x3 width 16", Int8ConvGeometry.Create(3, 8, 16, 3, 2, 3, 3, (1, 1), (1, 1), (1, 1, 0, 1))),
        ("5x5 width 48", Int8ConvGeometry.Create(2, 7, 48, 2, 5, 5, 2, (1, 1), (1, 1), (2, 2, 2, 2))),
        ("3x3 odd output rows width 16", Int8ConvGeometry.Create(3, 7, 16, 3, 3, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1))),
        ("3x3 dilated along W only width 16", Int8ConvGeometry.Create(3, 8, 16, 3, 3, 3, 3, (1, 1), (1, 2), (1, 2, 1, 2))),
        ("1-D 3 width 16", Int8ConvGeometry.Create(4, 1, 16, 4, 1, 3, 4, (1, 1), (1, 1), (0, 1, 0, 1))),
        // Stride 2 along W on the row pairs: from the input (widths of 16) and through the plane, odd output widths,
        // dilation along W, outputs past one vector per row, 1-D.
        ("3x3 stride 2 width 32", Int8ConvGeometry.Create(4, 32, 32, 4, 3, 3, 4, (2, 2), (1, 1), (1, 1, 1, 1))),
        ("3x3 stride 2 no pad width 16", Int8ConvGeometry.Create(3, 9, 16, 3, 3, 3, 3, (2, 2), (1, 1), (0, 0, 0, 0))),
        ("3x3 stride 2 along W only dilated", Int8ConvGeometry.Create(3, 8, 23, 3, 3, 3, 3, (1, 2), (1, 2), (1, 2, 1, 2))),
        ("5x5 stride 2 wide", Int8ConvGeometry.Create(2, 6, 75, 2, 5, 5, 2, (2, 2), (1, 1), (2, 2, 2, 2))),
        ("1-D 3 stride 2 width 64", Int8ConvGeometry.Create(5, 1, 64, 5, 1, 3, 5, (1, 2), (1, 1), (0, 1, 0, 1))),
    ];

    public static TheoryData<bool> Clamps() => new() { false, true };

    [Theory]
    [MemberData(nameof(Clamps))]
    public void Vector_and_scalar_paths_match_the_gemm_path_and_the_definition(bool relu)
    {
        var rng = new Random(17);
        foreach (var (name, g) in Cases)
        {
            Assert.True(g.IsDepthwise, name);
            var x = Int8GemmTests.RandomBytes(g.Channels * g.Height * g.Width, rng);
            var w = Int8GemmTests.RandomBytes(g.OutChannels * g.PatchSize, rng); // -128 included: the int16 products stay exact
            // Channel 0 holds a -128 weight, which rules out adding products in pairs in int16; channel 1 is the
            // paired path's extreme (every product 128 · 127); the last has no -128.
            int taps = g.KernelH * g.KernelW, plane = g.Height * g.Width, last = g.Channels - 1;
            w[0] = sbyte.MinValue;
            w.AsSpan(taps, taps).Fill(-127);
            x.AsSpan(plane, plane).Fill(sbyte.MinValue);
            for (int i = last * taps; i < (last + 1) * taps; i++) if (w[i] == sbyte.MinValue) w[i] = 5;
            var bias = new int[g.OutChannels];
            for (int i = 0; i < bias.Length; i++) bias[i] = rng.Next(-5000, 5000);
            var scales = new FixedPointMultiplier[name.Contains("1-D") ? 1 : g.OutChannels];
            for (int i = 0; i < scales.Length; i++) scales[i] = FixedPointMultiplier.FromReal(0.001 + rng.NextDouble() * 0.01);
            if (scales.Length > 2) scales[^1] = FixedPointMultiplier.FromReal(1.5); // a scale above one takes another requantization step
            int zx = rng.Next(-20, 20), zy = rng.Next(-10, 10);
            var (min, max) = relu ? Int8Clamp.Relu(zy) : (-128, 127);
            var packed = Int8Conv.PackWeights(g, w);
            var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);

            var definition = new sbyte[g.OutChannels * g.OutPixels];
            Int8Conv.Reference(g, x, w, bias, scales, zx, zy, min, max, definition);
            var gemm = new sbyte[definition.Length];
            Int8Conv.RunGemm(g, x, packed, folded, scales, zx, zy, min, max, gemm, new byte[g.GemmScratchBytes], Int8Paths.Best);
            var scalar = new sbyte[definition.Length];
            Int8DepthwiseConv.RunScalar(g, x, packed, folded, scales, zx, zy, min, max, scalar, Garbage(g.DepthwiseScratchBytes, rng));
            var vector = new sbyte[definition.Length];
            Int8DepthwiseConv.Run(g, x, packed, folded, scales, zx, zy, min, max, vector, Garbage(g.DepthwiseScratchBytes, rng));
            var viaConv = new sbyte[definition.Length];
            Int8Conv.Run(g, x, packed, folded, scales, zx, zy, min, max, viaConv, Garbage(g.ScratchBytes, rng), Int8Paths.Best);

            Assert.True(definition.AsSpan().SequenceEqual(gemm), $"{name}: GEMM path");
            Assert.True(gemm.AsSpan().SequenceEqual(scalar), $"{name}: scalar");
            Assert.True(scalar.AsSpan().SequenceEqual(vector), $"{name}: vector");
            Assert.True(vector.AsSpan().SequenceEqual(viaConv), $"{name}: Int8Conv.Run");
        }
    }

    [Fact]
    public void The_convolution_declares_the_depthwise_scratch_for_a_depthwise_layer()
    {
        var depthwise = Int8ConvGeometry.Create(16, 16, 16, 16, 3, 3, 16, (1, 1), (1, 1), (1, 1, 1, 1));
        Assert.Equal(depthwise.DepthwiseScratchBytes, depthwise.ScratchBytes);
        var grouped = Int8ConvGeometry.Create(6, 5, 5, 4, 3, 3, 2, (1, 1), (1, 1), (1, 1, 1, 1));
        Assert.Equal(grouped.GemmScratchBytes, grouped.ScratchBytes);
    }

    /// <summary>Scratch as the arena leaves it: whatever the previous kernel wrote.</summary>
    private static byte[] Garbage(int length, Random rng)
    {
        var b = new byte[length];
        rng.NextBytes(b);
        return b;
    }
}
