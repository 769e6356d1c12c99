using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

/// <summary><see cref="Int8Gemv"/> (the generated class's one-row QGemm) and the requantization it ends with: every path
/// gives the very integers of the scalar reference, which is the QGemm kernel's definition.</summary>
public class Int8GemvTests
{
    private static (int[] Multipliers, int[] Shifts) Scales(int count, Random rng)
    {
        var m = new int[count];
        var s = new int[count];
        for (int i = 0; i < count; i++)
        {
            // Mostly as FromReal makes them (2^30 <= m < 2^31), some far below one (shift 31, fewer significant bits).
            var f = FixedPointMultiplier.FromReal(Math.Pow(2, rng.NextDouble() * 80 - 60));
            m[i] = f.Multiplier;
            s[i] = f.Shift;
        }
        return (m, s);
    }

    private static int[] Accumulators(int count, Random rng)
    {
        var a = new int[count];
        for (int i = 0; i < count; i++)
            a[i] = rng.Next(8) switch
            {
                0 => int.MaxValue / 2 - rng.Next(100),
                1 => int.MinValue / 2 + rng.Next(100),
                _ => (int)((rng.NextDouble() * 2 - 1) * (1 << rng.Next(31))) + rng.Next(-3, 4),
            };
        return a;
    }

    [Fact]
    public void Vector_requantization_is_the_scalar_reference_for_every_length_scale_and_clamp()
    {
        var rng = new Random(21);
        for (int length = 0; length <= 70; length++)
            foreach (bool perChannel in new[] { true, false })
                foreach (var (min, max) in new[] { (-128, 127), (-7, 127), (-20, 90) })
                    for (int trial = 0; trial < 4; trial++)
                    {
                        var acc = Accumulators(length, rng);
                        var bias = trial == 0 ? [] : Accumulators(length, rng).Select(b => b / 4).ToArray();
                        var (m, s) = Scales(perChannel ? Math.Max(length, 1) : 1, rng);
                        int zp = rng.Next(-128, 128);
                        var expected = new sbyte[length];
                        var actual = new sbyte[length];
                        Requantize.RowScalar(acc, bias, m, s, zp, min, max, expected);
                        Requantize.Row(acc, bias, m, s, zp, min, max, actual);
                        Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {length}, per channel {perChannel}, clamp [{min}, {max}], trial {trial}");
                    }
    }

    /// <summary>A layer's channels usually share one shift (their scales are within a factor of two): the AVX-512
    /// requantization then takes its in-place int32 step, which must still be the reference bit for bit, for every
    /// length (16 at a time and a last 8), with one multiplier or one per channel, at the extremes of the shift.</summary>
    [Fact]
    public void Rows_whose_channels_share_one_shift_are_the_scalar_reference()
    {
        var rng = new Random(33);
        foreach (int shift in new[] { -3, 0, 1, 9, 20, 31 })
            for (int length = 0; length <= 70; length++)
                foreach (bool perChannel in new[] { true, false })
                    foreach (var (min, max) in new[] { (-128, 127), (-7, 127), (-20, 90) })
                    {
                        var acc = Accumulators(length, rng);
                        var bias = length % 3 == 0 ? [] : Accumulators(length, rng).Select(b => b / 4).ToArray();
                        int count = perChannel ? Math.Max(length, 1) : 1;
                        var m = Enumerable.Range(0, count).Select(_ => rng.Next(8) == 0 ? rng.Next(1, 1 << 20) : rng.Next(1 << 30, int.MaxValue)).ToArray();
                        var s = Enumerable.Repeat(shift, count).ToArray();
                        int zp = rng.Next(-128, 128);
                        var expected = new sbyte[length];
                        var actual = new sbyte[length];
                        Requantize.RowScalar(acc, bias, m, s, zp, min, max, expected);
                        Requantize.Row(acc, bias, m, s, zp, min, max, actual);
                        Assert.True(expected.AsSpan().SequenceEqual(actual), $"shift {shift}, length {length}, per channel {perChannel}, clamp [{min}, {max}]");
                    }
    }

    [Fact]
    public void Rounding_is_half_away_from_zero_in_the_vector_path_too()
    {
        // real 0.5: ±1, ±3, ±5 ... land on halves; 8 lanes take the AVX2 path, 16 the AVX-512 one, 24 both.
        var half = FixedPointMultiplier.FromReal(0.5);
        foreach (int length in new[] { 8, 16, 24 })
        {
            var acc = Enumerable.Range(0, length).Select(i => (i % 2 == 0 ? 1 : -1) * (2 * (i / 2) + 1)).ToArray();
            var y = new sbyte[length];
            Requantize.Row(acc, [], [half.Multiplier], [half.Shift], 0, -128, 127, y);
            Assert.Equal(acc.Select(a => (sbyte)(Math.Sign(a) * ((Math.Abs(a) + 1) / 2))), y);
        }
    }

    [Theory]
    [MemberData(nameof(Int8GemmTests.SupportedPaths), MemberType = typeof(Int8GemmTests))]
    public void Every_path_is_the_qgemm_definition(Int8Path path)
    {
        var rng = new Random(13);
        foreach (int n in new[] { 1, 4, 5, 8, 16, 17, 33, 128 })
            foreach (int k in new[] { 0, 1, 15, 16, 31, 32, 33, 64, 100, 128 })
            {
                var x = Int8GemmTests.RandomBytes(k, rng);
                var w = Int8GemmTests.RandomBytes(n * k, rng);
                var bias = Enumerable.Range(0, n).Select(_ => rng.Next(-50_000, 50_000)).ToArray();
                // Scales of a real layer (x_scale · w_scale / y_scale), so the outputs spread over the int8 range.
                var scales = Enumerable.Range(0, n).Select(_ => FixedPointMultiplier.FromReal(0.0005 + rng.NextDouble() * 0.01)).ToArray();
                var m = scales.Select(f => f.Multiplier).ToArray();
                var s = scales.Select(f => f.Shift).ToArray();
                int zp = rng.Next(-20, 20);

                var acc = new int[n];
                var expected = new sbyte[n];
                Int8Gemm.Scalar(x, w, acc, 1, k, n);
                Requantize.Row(acc, bias, scales, zp, zp, 127, expected);

                var actual = new sbyte[n];
                Int8Gemv.Run(path, x, w, bias, m, s, zp, zp, 127, new int[n], actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{path}: k={k} n={n}");
                Int8Gemv.Scalar(x, w, bias, m, s, zp, zp, 127, new int[n], actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"scalar: k={k} n={n}");
            }
    }

    [Theory]
    [MemberData(nameof(Int8GemmTests.SupportedPaths), MemberType = typeof(Int8GemmTests))]
    public void Every_packed_path_is_the_qgemm_definition(Int8Path path)
    {
        var rng = new Random(17);
        // k past 256 crosses the x chunk the x86 paths widen on the stack; n of 8, 24, 40 leave a single block after the pairs.
        foreach (int n in new[] { 8, 16, 24, 40, 128 })
            foreach (int k in new[] { 4, 8, 12, 16, 28, 32, 64, 100, 256, 260, 600 })
            {
                var x = Int8GemmTests.RandomBytes(k, rng);
                var w = Int8GemmTests.RandomBytes(n * k, rng);
                var bias = Enumerable.Range(0, n).Select(_ => rng.Next(-50_000, 50_000)).ToArray();
                var scales = Enumerable.Range(0, n).Select(_ => FixedPointMultiplier.FromReal(0.0002 + rng.NextDouble() * 0.005)).ToArray();
                int zp = rng.Next(-20, 20);
                var acc = new int[n];
                var expected = new sbyte[n];
                Int8Gemm.Scalar(x, w, acc, 1, k, n);
                Requantize.Row(acc, bias, scales, zp, -128, 127, expected);

                var packed = new sbyte[n * k];
                Int8Gemv.Pack(w, packed, n, k);
                var actual = new sbyte[n];
                Int8Gemv.RunPacked(path, x, packed, bias, scales.Select(f => f.Multiplier).ToArray(), scales.Select(f => f.Shift).ToArray(), zp, -128, 127, new int[n], actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{path}: k={k} n={n}");
            }
    }

    [Fact]
    public void Packed_layout_is_blocks_of_eight_outputs_with_four_k_values_together()
    {
        // [16, 8]: w[r, c] = r * 8 + c, so each packed byte says where it came from.
        var w = Enumerable.Range(0, 128).Select(i => (sbyte)i).ToArray();
        var packed = new sbyte[128];
        Int8Gemv.Pack(w, packed, 16, 8);
        Assert.Equal(new sbyte[] { 0, 1, 2, 3, 8, 9, 10, 11 }, packed[..8]);       // output 0 then output 1, k 0..3
        Assert.Equal(new sbyte[] { 4, 5, 6, 7, 12, 13, 14, 15 }, packed[32..40]);  // then k 4..7 of the same block
        Assert.Equal(new sbyte[] { 64, 65, 66, 67 }, packed[64..68]);              // block 1 starts at output 8
        Assert.False(Int8Gemv.CanPack(12, 8));
        Assert.False(Int8Gemv.CanPack(16, 6));
    }

    [Fact]
    public void Too_few_accumulators_or_mismatched_scales_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Int8Gemv.Run(new sbyte[4], new sbyte[8], [], [1 << 30], [0], 0, -128, 127, new int[1], new sbyte[2]));
        Assert.Throws<ArgumentException>(() => Int8Gemv.Run(new sbyte[4], new sbyte[8], [], [1 << 30, 1 << 30], [0], 0, -128, 127, new int[2], new sbyte[2]));
    }
}
