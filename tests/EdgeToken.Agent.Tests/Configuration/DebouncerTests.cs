using EdgeToken.Agent.Pipelines;

namespace EdgeToken.Agent.Tests.Configuration;

public sealed class DebouncerTests
{
    private static string Changes(Debouncer d, string pattern) =>
        new([.. pattern.Select(c => d.Observe(c == '1') ? (d.State ? 'A' : 'C') : '.')]);

    [Fact]
    public void SpanEqualToWindowsNeedsThatManyInARow()
    {
        // 3 in a row: two alerting windows then a quiet one reset the run.
        Assert.Equal(".....A..C..", Changes(new Debouncer(3, 3), "11011100000"));
    }

    [Fact]
    public void KOfNCatchesEvidenceThatComesAndGoes()
    {
        // 3 of the last 5: alternating windows alert on the fifth; three in a row never would.
        Assert.Equal("....A", Changes(new Debouncer(3, 5), "10101"));
        Assert.Equal(".....", Changes(new Debouncer(3, 3), "10101"));
    }

    [Fact]
    public void OldWindowsLeaveTheSpan()
    {
        // 3 of 4: the first two alerting windows have left the span when the third arrives.
        Assert.Equal("........", Changes(new Debouncer(3, 4), "11000100"));
    }

    [Fact]
    public void CountingStartsAfreshAfterAChange()
    {
        // After the alert, clearing takes 2 quiet windows of the last 3, not counting the alerting ones.
        Assert.Equal(".A..C", Changes(new Debouncer(2, 3), "11100"));
    }

    [Fact]
    public void ASpanShorterThanTheCountIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Debouncer(5, 4));
}
