using System.Globalization;

namespace EdgeToken.Cli.Demo;

/// <summary>The demo's figures for a person at a terminal.</summary>
internal static class DemoText
{
    public static string ProgressLine(DemoFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"[{f.WallSeconds,5:F0} s wall | {f.SimulatedSeconds,6:F0} s sensor] faults {f.FaultsDetected}/{f.FaultsStarted} detected, false alarms {f.FalseAlarms}, " +
        $"time to alert median {Seconds(f.MedianSecondsToAlert)}, inference {f.MeanInferenceMicroseconds:F1} us/window, " +
        $"uplink {f.UplinkBytes:N0} B for {f.RawBytes / 1e6:N0} MB raw ({f.Reduction:N0}x), dropped {f.DroppedShare:P1}");

    public static void Print(DemoReport r, TextWriter o)
    {
        var f = r.Figures;
        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final figures ({r.Devices} wagons, {r.BearingCount} bearings, model {r.Model} {r.Precision}; {f.WallSeconds:F0} s wall = {f.SimulatedSeconds:F0} s of sensor time, {f.SimulatedSeconds / Math.Max(f.WallSeconds, 1e-9):F1}x)"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  detection        {f.FaultsDetected} of {f.FaultsStarted} faults that started ({f.DetectionRate:P0})"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  false alarms     {f.FalseAlarms} in {f.HealthyBearingHours:F2} healthy bearing-hours ({f.FalseAlarmsPerBearingHour:F2} per bearing-hour)"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  time to alert    median {Seconds(f.MedianSecondsToAlert)}, max {Seconds(f.MaxSecondsToAlert)} after onset (sensor time; a fault grows from nothing)"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  inference        {r.IsolatedInferenceMicroseconds:F1} us per window (median, one thread alone); {f.MeanInferenceMicroseconds:F1} us mean over {f.Windows:N0} windows in the fleet, including waits for a CPU ({Environment.ProcessorCount} cores)"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  uplink           {f.UplinkBytes:N0} bytes sent for {f.RawBytes:N0} raw sensor bytes: {f.Reduction:N0}x less"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  dropped          {f.DroppedShare:P2} of sensor samples (pipelines behind the accelerated sensors)"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  collector        {r.RecordsStored:N0} records stored, {r.DevicesWithSummaries} of {r.Devices} devices with summaries"));
        o.WriteLine("  bearing                 speed  truth (onset s, g)       first alert  false alarms");
        foreach (var b in f.Bearings)
        {
            string truth = b.Fault is null ? "healthy" : string.Create(CultureInfo.InvariantCulture, $"{b.Fault} ({b.OnsetSeconds:F0} s, {b.Amplitude:F2} g)");
            string alert = b.FirstAlertSeconds is { } a ? string.Create(CultureInfo.InvariantCulture, $"{a:F0} s {b.AlertLabel}") : "-";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {b.Device + "/" + b.Axle,-22} {b.ShaftHz,5:F1} Hz  {truth,-24} {alert,-12} {b.FalseAlarms}"));
        }
    }

    private static string Seconds(double? s) => s is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:F1} s") : "-";
}
