using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

/// <summary><see cref="Int8Gemv"/>'s u8 x s8 kernels (vpmaddubsw) for weights whose pairs fit <see cref="U8S8Pairs"/>:
/// every path, given the row sums, gives the signed definition's very int32 sums, at the bound as well as below it.</summary>
public class Int8GemvPackedU8Tests
{
    /// <summary>Weights in [-64, 64] (7-bit, every pair fits), with the bound itself (±64, ±64) in many pairs.</summary>
    private static sbyte[] SevenBit(int length, Random rng)
    {
        var w = new sbyte[length];
        for (int i = 0; i < length; i++) w[i] = (sbyte)(rng.Next(3) == 0 ? (rng.Next(2) == 0 ? 64 : -64) : rng.Next(-64, 65));
        return w;
    }

    /// <summary>x at the extremes (127 and -128, i.e. u8 255 and 0) in runs, so whole pairs meet the largest products.</summary>
    private static sbyte[] Extremes(int length, Random rng)
    {
        var x = new sbyte[length];
        for (int i = 0; i < length; i++) x[i] = rng.Next(4) switch { 0 => 127, 1 => -128, 2 => (sbyte)rng.Next(-128, 128), _ => x[Math.Max(i - 1, 0)] };
        return x;
    }

    private static (int[] Expected, int[] Actual) Sums(Int8Path path, sbyte[] x, sbyte[] w, int n, int k, bool withSums)
    {
        var expected = new int[n];
        Int8Gemm.Scalar(x, w, expected, 1, k, n);
        var packed = new sbyte[n * k];
        Int8Gemv.Pack(w, packed, n, k);
        var sums = new int[n];
        Int8Gemv.PackedRowSums(packed, sums, n, k);
        var acc = new int[n];
        Int8Gemv.RunPacked(path, x, packed, withSums ? sums : [], [], [1 << 30], [0], 0, -128, 127, acc, new sbyte[n]);
        return (expected, acc);
    }

    [Theory]
    [MemberData(nameof(Int8GemmTests.SupportedPaths), MemberType = typeof(Int8GemmTests))]
    public void Every_path_is_exact_for_seven_bit_weights_at_the_bound(Int8Path path)
    {
        var rng = new Random(71);
        // k = 4 (one group: the odd-group tail only), odd group counts (12, 28, 100, 260), n leaving one, two or three blocks past the fours.
        foreach (int n in new[] { 8, 16, 24, 40, 56, 128 })
            foreach (int k in new[] { 4, 8, 12, 16, 28, 32, 64, 100, 256, 260, 600 })
            {
                var x = Extremes(k, rng);
                var w = SevenBit(n * k, rng);
                Assert.True(U8S8Pairs.Fit(w));
                var (expected, actual) = Sums(path, x, w, n, k, withSums: true);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{path}: k={k} n={n}");
            }
    }

    [Theory]
    [MemberData(nameof(Int8GemmTests.SupportedPaths), MemberType = typeof(Int8GemmTests))]
    public void The_largest_products_at_the_bound_do_not_saturate(Int8Path path)
    {
        // Every pair (64, 64) or (-64, -64), or the lopsided (128 is out of sbyte; -128, 0): against x = 127 (u8 255) 255 * 128 = 32640.
        const int n = 16, k = 64;
        foreach (var pair in new (sbyte, sbyte)[] { (64, 64), (-64, -64), (-128, 0), (0, -128), (100, -28) })
        {
            var w = new sbyte[n * k];
            for (int i = 0; i < w.Length; i += 2) (w[i], w[i + 1]) = pair;
            foreach (sbyte value in new sbyte[] { 127, -128 })
            {
                var x = Enumerable.Repeat(value, k).ToArray();
                var (expected, actual) = Sums(path, x, w, n, k, withSums: true);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{path}: pair {pair} x {value}");
            }
        }
    }

    [Fact]
    public void A_pair_past_the_bound_does_not_fit_and_would_saturate()
    {
        const int n = 8, k = 8;
        var w = new sbyte[n * k];
        (w[2], w[3]) = (65, 64); // one pair of row 0 at 129
        Assert.False(U8S8Pairs.Fit(w));
        Assert.True(U8S8Pairs.Fit(w.AsSpan(4)));
        Assert.False(U8S8Pairs.Fit(new sbyte[3]));
        Assert.True(U8S8Pairs.Fits(-64, -64));
        Assert.True(U8S8Pairs.Fits(-128, 0));
        Assert.False(U8S8Pairs.Fits(-128, 1));

        // What vpmaddubsw would make of it: 255 * 129 = 32895 saturates to 32767, so the u8 definition is off; the check keeps it away.
        var x = Enumerable.Repeat((sbyte)127, k).ToArray();
        var packed = new sbyte[n * k];
        Int8Gemv.Pack(w, packed, n, k);
        var sums = new int[n];
        Int8Gemv.PackedRowSums(packed, sums, n, k);
        var expected = new int[n];
        Int8Gemm.Scalar(x, w, expected, 1, k, n);
        var u8 = new int[n];
        Int8Gemv.PackedU8Scalar(x, packed, sums, u8, k, n);
        Assert.NotEqual(expected[0], u8[0]);
    }

    [Theory]
    [MemberData(nameof(Int8GemmTests.SupportedPaths), MemberType = typeof(Int8GemmTests))]
    public void Without_row_sums_every_path_stays_signed_and_exact_for_any_weight(Int8Path path)
    {
        var rng = new Random(72);
        foreach (int n in new[] { 8, 40 })
            foreach (int k in new[] { 4, 12, 260 })
            {
                var x = Extremes(k, rng);
                var w = Int8GemmTests.RandomBytes(n * k, rng);
                w[1] = 127; w[0] = 127; // certainly past the bound
                Assert.False(U8S8Pairs.Fit(w));
                var (expected, actual) = Sums(path, x, w, n, k, withSums: false);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{path}: k={k} n={n}");
            }
    }

    [Fact]
    public void Row_sums_are_each_outputs_weight_sum()
    {
        var rng = new Random(73);
        const int n = 24, k = 20;
        var w = Int8GemmTests.RandomBytes(n * k, rng);
        var packed = new sbyte[n * k];
        Int8Gemv.Pack(w, packed, n, k);
        var sums = new int[n];
        Int8Gemv.PackedRowSums(packed, sums, n, k);
        for (int o = 0; o < n; o++)
        {
            int s = 0;
            for (int c = 0; c < k; c++) s += w[o * k + c];
            Assert.Equal(s, sums[o]);
        }
    }

    [Theory]
    [MemberData(nameof(Int8GemmTests.SupportedPaths), MemberType = typeof(Int8GemmTests))]
    public void The_u8_kernel_allocates_nothing(Int8Path path)
    {
        var rng = new Random(74);
        const int n = 64, k = 128;
        var x = Extremes(k, rng);
        var packed = SevenBit(n * k, rng);
        var sums = new int[n];
        Int8Gemv.PackedRowSums(packed, sums, n, k);
        var acc = new int[n];
        var y = new sbyte[n];
        int[] bias = new int[n], multipliers = [1 << 30], shifts = [0];
        Int8Gemv.RunPacked(path, x, packed, sums, bias, multipliers, shifts, 0, -128, 127, acc, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Int8Gemv.RunPacked(path, x, packed, sums, bias, multipliers, shifts, 0, -128, 127, acc, y);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
