using EdgeToken.Cli.Demo;

namespace EdgeToken.Demo.Tests;

/// <summary><c>edgetoken demo</c> in small: a collector, two wagons, bearings that fail, scored against the truth.</summary>
public class DemoRunTests
{
    [Fact]
    public async Task ShortAcceleratedRunDetectsFaultsAndTheCollectorHoldsTheSummaries()
    {
        var options = new DemoOptions
        {
            Trains = 1, Wagons = 2, Axles = 2, DurationSeconds = 25, Speedup = 4, Port = 0, Seed = 3, FaultShare = 0.75,
            ReportEverySeconds = 1000,
        };
        var truths = FleetScenario.Create(options);
        Assert.Contains(truths, t => t.Fault is not null); // the seed must give the test something to find
        Uri? dashboard = null;
        var report = await DemoRun.RunAsync(options, (address, _) => dashboard = address, _ => { }, CancellationToken.None);
        var f = report.Figures;
        Assert.NotNull(dashboard);
        Assert.True(f.SimulatedSeconds > 40, $"only {f.SimulatedSeconds:F0} s of sensor time in {f.WallSeconds:F0} s");
        Assert.True(f.FaultsStarted >= 1, "no fault started within the run");
        Assert.True(f.FaultsDetected >= 1 && f.DetectionRate >= 0.5, $"detected {f.FaultsDetected} of {f.FaultsStarted}");
        // Bounded, not zero: a handful of healthy windows in a row can cross the threshold.
        Assert.True(f.FalseAlarms <= 3, $"{f.FalseAlarms} false alarms in {f.HealthyBearingHours:F2} healthy bearing-hours");
        Assert.Equal(0, f.DroppedShare);
        Assert.True(f.UplinkBytes > 0 && f.RawBytes > 100 * f.UplinkBytes, $"uplink {f.UplinkBytes} bytes for {f.RawBytes} raw");
        Assert.Equal(2, report.Devices);
        Assert.Equal(2, report.DevicesWithSummaries);
        Assert.True(report.RecordsStored > 10, $"{report.RecordsStored} records stored");
    }
}
