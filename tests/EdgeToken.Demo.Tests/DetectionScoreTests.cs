using EdgeToken.Cli.Demo;
using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Demo.Tests;

/// <summary>How alerts are scored against the simulator's truth.</summary>
public class DetectionScoreTests
{
    private static readonly BearingTruth Healthy = new("w1", "axle1", 10, null, null, 20, 0.5, 1);
    private static readonly BearingTruth Failing = new("w1", "axle2", 10, BearingFaultKind.InnerRace, 100, 20, 0.5, 2);
    private static readonly BearingTruth LateFault = new("w1", "axle3", 10, BearingFaultKind.Cage, 500, 20, 0.5, 3);

    [Fact]
    public void AlertsBeforeOnsetAreFalseAlarmsAndTheFirstAfterItDetects()
    {
        var alerts = new Dictionary<(string, string), List<(double, string?)>>
        {
            [("w1", "axle1")] = [(50, "outer")],
            [("w1", "axle2")] = [(40, "ball"), (130, "inner"), (150, "inner")],
        };
        var (bearings, started, detected, falseAlarms, healthyHours, times) = DetectionScore.Score([Healthy, Failing, LateFault], alerts, simulatedSeconds: 360);
        Assert.Equal(1, started);            // the cage fault starts after the run
        Assert.Equal(1, detected);
        Assert.Equal(2, falseAlarms);        // one on the healthy bearing, one before the inner-race onset
        Assert.Equal([30.0], times);
        Assert.Equal((360 + 100 + 360) / 3600.0, healthyHours, 9);
        Assert.Equal("inner", bearings[1].AlertLabel);
        Assert.Null(bearings[2].FirstAlertSeconds);
    }

    [Fact]
    public void SensorClockInterpolatesBetweenSamples()
    {
        var clock = new SensorClock();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        clock.Sample(t0, 0);
        clock.Sample(t0.AddSeconds(10), 80);
        Assert.Equal(40, clock.SecondsAt(t0.AddSeconds(5)), 9);
        Assert.Equal(80, clock.SecondsAt(t0.AddSeconds(20)), 9);
        Assert.Equal(0, clock.SecondsAt(t0.AddSeconds(-1)), 9);
    }
}
