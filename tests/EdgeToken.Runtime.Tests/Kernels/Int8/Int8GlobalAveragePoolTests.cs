using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class Int8GlobalAveragePoolTests
{
    public static TheoryData<Int8Path> SupportedPaths() => Int8GemmTests.SupportedPaths();

    [Fact]
    public void The_reference_is_the_requantized_mean()
    {
        // Plane of four: codes 10, 11, 12, 14 with input zero point 2 average 9.75 steps above it; the output has twice
        // the input's scale and zero point -5, so y = -5 + round(9.75 / 2) = -5 + 5.
        sbyte[] x = [10, 11, 12, 14, -128, -128, -128, -127];
        var y = new sbyte[2];
        Int8GlobalAveragePool.Reference(x, 2, 4, Int8GlobalAveragePool.Multiplier(0.1, 0.2, 4), 2, -5, y);
        Assert.Equal(0, y[0]);
        Assert.Equal(-70, y[1]); // (-511 - 4 · 2) / 4 / 2 = -64.875 steps -> -65
        // Halves round away from zero: mean 1.5 steps at the same scale.
        Int8GlobalAveragePool.Reference([1, 2], 1, 2, Int8GlobalAveragePool.Multiplier(0.1, 0.1, 2), 0, 0, y);
        Assert.Equal(2, y[0]);
        Int8GlobalAveragePool.Reference([-1, -2], 1, 2, Int8GlobalAveragePool.Multiplier(0.1, 0.1, 2), 0, 0, y);
        Assert.Equal(-2, y[0]);
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Every_path_matches_the_reference_for_every_plane_length(Int8Path path)
    {
        var rng = new Random(5);
        for (int plane = 1; plane <= 300; plane++)
        {
            int planes = 3;
            var x = Int8GemmTests.RandomBytes(planes * plane, rng);
            if (plane % 7 == 0) Array.Fill(x, (sbyte)-128); // the extremes
            if (plane % 11 == 0) Array.Fill(x, (sbyte)127);
            var scale = Int8GlobalAveragePool.Multiplier(0.01 + rng.NextDouble() * 0.05, 0.01 + rng.NextDouble() * 0.05, plane);
            int zx = rng.Next(-128, 128), zy = rng.Next(-128, 128);
            var expected = new sbyte[planes];
            var actual = new sbyte[planes];
            Int8GlobalAveragePool.Reference(x, planes, plane, scale, zx, zy, expected);
            Int8GlobalAveragePool.Run(x, planes, plane, scale, zx, zy, actual, path);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"plane {plane}: [{string.Join(", ", expected)}] vs [{string.Join(", ", actual)}]");
        }
    }

    [Fact]
    public void The_sums_are_exact_on_every_path_for_large_planes()
    {
        var x = new sbyte[70_001];
        Array.Fill(x, (sbyte)-128);
        foreach (var path in Int8Paths.Supported())
            Assert.Equal(-128 * x.Length, Int8GlobalAveragePool.Sum(x, path));
        Array.Fill(x, (sbyte)127);
        foreach (var path in Int8Paths.Supported())
            Assert.Equal(127 * x.Length, Int8GlobalAveragePool.Sum(x, path));
    }

    [Fact]
    public void The_operator_pools_every_channel_of_every_image_as_the_reference()
    {
        var rng = new Random(3);
        int batch = 2, c = 5, h = 3, w = 7, zx = -9, zy = 4;
        var x = Int8GemmTests.RandomBytes(batch * c * h * w, rng);
        var scale = Int8GlobalAveragePool.Multiplier(0.02, 0.015, h * w);
        var node = new NodeHarness(QGlobalAveragePool.OpType, NodeHarness.Attrs(("multiplier", scale.Multiplier), ("shift", scale.Shift),
            ("input_zero_point", zx), ("output_zero_point", zy)), [ConstantTensor.FromArray(ElementType.Int8, [batch, c, h, w], x)], constantInputs: false);
        node.Run();
        Assert.Equal([batch, c, 1, 1], node.Output(0).Dims);
        var expected = new sbyte[batch * c];
        Int8GlobalAveragePool.Reference(x, batch * c, h * w, scale, zx, zy, expected);
        Assert.Equal(expected.Select(v => (byte)v), node.OutputBytes(0));
    }
}
