using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class Int8GemmTests
{
    public static TheoryData<Int8Path> SupportedPaths()
    {
        var data = new TheoryData<Int8Path>();
        foreach (var p in Int8Paths.Supported()) data.Add(p);
        return data;
    }

    internal static sbyte[] RandomBytes(int length, Random rng)
    {
        var v = new sbyte[length];
        for (int i = 0; i < length; i++) v[i] = (sbyte)rng.Next(-128, 128);
        return v;
    }

    [Fact]
    public void Scalar_reference_is_the_definition()
    {
        sbyte[] x = [1, -2, 3, -128, 127, 0];   // 2 x 3
        sbyte[] w = [4, 5, 6, -128, -128, -128]; // 2 x 3
        var y = new int[4];
        Int8Gemm.Scalar(x, w, y, 2, 3, 2);
        Assert.Equal([1 * 4 - 2 * 5 + 3 * 6, -128 * (1 - 2 + 3), -128 * 4 + 127 * 5, -128 * (-128 + 127)], y);
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Every_path_matches_the_scalar_reference_for_every_length(Int8Path path)
    {
        var rng = new Random(11);
        foreach (int m in new[] { 1, 2, 9 }) // 9: two blocks of four rows and one left over
            foreach (int n in new[] { 1, 3, 17 })
                for (int k = 0; k <= 160; k++)
                {
                    var x = RandomBytes(m * k, rng);
                    var w = RandomBytes(n * k, rng);
                    var expected = new int[m * n];
                    var actual = new int[m * n];
                    Int8Gemm.Scalar(x, w, expected, m, k, n);
                    Int8Gemm.Run(path, x, w, actual, m, k, n);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{path}: m={m} k={k} n={n}");
                }
    }

    /// <summary>-128 · -128 pairs overflow int16 sums (the trap of vpmaddubsw); every path must still be exact.</summary>
    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void Extreme_values_do_not_saturate(Int8Path path)
    {
        foreach (int k in new[] { 16, 64, 1000, 4096 })
        {
            var x = new sbyte[k];
            var w = new sbyte[k];
            Array.Fill(x, (sbyte)-128);
            Array.Fill(w, (sbyte)-128);
            Assert.Equal(k * 16384, Int8Gemm.Dot(path, x, w));
            Array.Fill(w, (sbyte)127);
            Assert.Equal(k * -128 * 127, Int8Gemm.Dot(path, x, w));
        }
    }

    [Fact]
    public void Best_path_is_supported_and_short_operands_are_refused()
    {
        Assert.True(Int8Paths.IsSupported(Int8Paths.Best));
        Assert.Throws<ArgumentException>(() => Int8Gemm.Run(new sbyte[3], new sbyte[4], new int[1], 1, 4, 1));
    }
}
