using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Tests.Tokens;

public sealed class TimelineTests
{
    [Fact]
    public void ClockIsExactOverLongRuns()
    {
        var clock = new SampleClock(3200, originNanoseconds: 1_000);
        Assert.Equal(1_000 + 312_500, clock.TimestampOf(1));
        // One day of samples at 3.2 kHz lands on the exact second.
        Assert.Equal(1_000 + (86_400L * 1_000_000_000), clock.TimestampOf(3200L * 86_400));
        Assert.Equal(3200L * 86_400, clock.SampleIndexAt(clock.TimestampOf(3200L * 86_400)));

        var slow = new SampleClock(6.25);
        Assert.Equal(160_000_000, slow.TimestampOf(1));
    }

    [Fact]
    public void TokensCarryChannelAndDerivedTimestamps()
    {
        var clock = new SampleClock(1000);
        var header = new FrameHeader(3, 0, 10, clock.TimestampOf(10), 2, 3);
        float[] values = [1, 2, 3, 4, 5, 6];
        var tokens = new List<SensorToken>();
        foreach (SensorToken token in new FrameTokens(header, values, clock))
        {
            tokens.Add(token);
        }

        Assert.Equal(6, tokens.Count);
        Assert.Equal(new SensorToken(3, 0, 10_000_000, 1), tokens[0]);
        Assert.Equal(new SensorToken(3, 2, 10_000_000, 3), tokens[2]);
        Assert.Equal(new SensorToken(3, 1, 11_000_000, 5), tokens[4]);
    }

    [Fact]
    public void MonitorCountsGapsOverlapsAndClockJumps()
    {
        var clock = new SampleClock(1000);
        var monitor = new TimelineMonitor(1000);
        FrameHeader Frame(uint seq, long first, long jump = 0) => new(1, seq, first, clock.TimestampOf(first) + jump, 100, 3);

        Assert.Equal(TimelineEvent.None, monitor.Observe(Frame(0, 0)));
        Assert.Equal(TimelineEvent.None, monitor.Observe(Frame(1, 100)));
        Assert.Equal(TimelineEvent.SequenceGap | TimelineEvent.SampleGap, monitor.Observe(Frame(4, 400)));
        Assert.Equal(1, monitor.SequenceGaps);
        Assert.Equal(2, monitor.MissedFrames);
        Assert.Equal(200, monitor.MissedSamples);

        // Timestamp quantisation within half a period is not a jump.
        Assert.Equal(TimelineEvent.None, monitor.Observe(Frame(5, 500, jump: 400_000)));

        Assert.Equal(TimelineEvent.ClockJump, monitor.Observe(Frame(6, 600, jump: 2_000_000_000)));
        Assert.Equal(1, monitor.ClockJumps);
        Assert.Equal(2_000_000_000, monitor.LastClockJumpNanoseconds);

        // Re-anchored: the next frame on the new timeline is continuous.
        Assert.Equal(TimelineEvent.None, monitor.Observe(Frame(7, 700, jump: 2_000_000_000)));

        Assert.Equal(TimelineEvent.SampleOverlap, monitor.Observe(Frame(7, 700, jump: 2_000_000_000)) & TimelineEvent.SampleOverlap);
        Assert.Equal(1, monitor.Overlaps);
    }
}
