using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class Int8LookupTests
{
    private static sbyte[] RandomTable(int seed)
    {
        var rng = new Random(seed);
        var t = new sbyte[256];
        for (int i = 0; i < t.Length; i++) t[i] = (sbyte)rng.Next(-128, 128);
        return t;
    }

    [Fact]
    public void Scalar_reference_reads_the_entry_of_each_code()
    {
        var table = RandomTable(1);
        var x = new sbyte[256];
        for (int i = 0; i < 256; i++) x[i] = (sbyte)(i - 128);
        var y = new sbyte[256];
        Int8Lookup.RunScalar(table, x, y);
        for (int i = 0; i < 256; i++) Assert.Equal(table[(byte)x[i]], y[i]);
    }

    [Fact]
    public void Every_path_equals_the_scalar_reference_at_every_length_and_in_place()
    {
        var table = RandomTable(2);
        var rng = new Random(3);
        for (int n = 0; n <= 300; n++)
        {
            var x = Int8GemmTests.RandomBytes(n, rng);
            var expected = new sbyte[n];
            Int8Lookup.RunScalar(table, x, expected);
            var best = new sbyte[n];
            Int8Lookup.Run(table, x, best);
            Assert.Equal(expected, best);
            var inPlace = (sbyte[])x.Clone();
            Int8Lookup.Run(table, inPlace, inPlace);
            Assert.Equal(expected, inPlace);
            foreach (var (name, path) in VectorPaths())
            {
                var actual = new sbyte[n];
                path(table, x, actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}, n={n}");
                inPlace = (sbyte[])x.Clone();
                path(table, inPlace, inPlace);
                Assert.True(expected.AsSpan().SequenceEqual(inPlace), $"{name} in place, n={n}");
            }
        }
    }

    private delegate void LookupPath(ReadOnlySpan<sbyte> table, ReadOnlySpan<sbyte> x, Span<sbyte> y);

    /// <summary>The vector paths this machine can run (ARM64's runs in Int8Check under qemu).</summary>
    private static IEnumerable<(string Name, LookupPath Path)> VectorPaths()
    {
        if (Int8Lookup.Avx512VbmiIsSupported) yield return ("AVX-512 VBMI", Int8Lookup.RunAvx512Vbmi);
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) yield return ("AVX2", Int8Lookup.RunAvx2);
        if (System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported) yield return ("AdvSimd", Int8Lookup.RunAdvSimd);
    }

    [Fact]
    public void Every_code_in_every_row_of_the_table_is_found_on_every_path()
    {
        // Every code at every position of a vector, against tables whose rows and halves differ, so a wrong row, half
        // or blend level shows.
        var identity = Enumerable.Range(0, 256).Select(i => (sbyte)i).ToArray();
        var shifted = Enumerable.Range(0, 256).Select(i => (sbyte)(i * 7 + 3)).ToArray();
        foreach (var table in new[] { identity, shifted, RandomTable(4) })
            for (int offset = 0; offset < 64; offset += 7)
            {
                var x = Enumerable.Range(0, 256 + 64).Select(i => (sbyte)(i + offset)).ToArray();
                var expected = new sbyte[x.Length];
                Int8Lookup.RunScalar(table, x, expected);
                foreach (var (name, path) in VectorPaths())
                {
                    var actual = new sbyte[x.Length];
                    path(table, x, actual);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}, offset {offset}");
                }
            }
        Assert.True(VectorPaths().Any() || !System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated, "a SIMD machine with no vector lookup path");
    }

    [Fact]
    public void A_table_that_is_not_256_entries_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Int8Lookup.Run(new sbyte[255], new sbyte[4], new sbyte[4]));
        Assert.Throws<ArgumentException>(() => Int8Lookup.RunScalar(new sbyte[256], new sbyte[4], new sbyte[3]));
    }
}
