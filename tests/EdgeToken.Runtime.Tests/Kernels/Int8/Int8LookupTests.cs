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
            if (!Int8Lookup.Avx512VbmiIsSupported) continue;
            var vbmi = new sbyte[n];
            Int8Lookup.RunAvx512Vbmi(table, x, vbmi);
            Assert.Equal(expected, vbmi);
            inPlace = (sbyte[])x.Clone();
            Int8Lookup.RunAvx512Vbmi(table, inPlace, inPlace);
            Assert.Equal(expected, inPlace);
        }
    }

    [Fact]
    public void A_table_that_is_not_256_entries_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Int8Lookup.Run(new sbyte[255], new sbyte[4], new sbyte[4]));
        Assert.Throws<ArgumentException>(() => Int8Lookup.RunScalar(new sbyte[256], new sbyte[4], new sbyte[3]));
    }
}
