namespace EdgeToken.Cli.Demo;

/// <summary>
/// Scores alerts against the ground truth. An alert (a rising event) on a bearing before its fault's onset, or
/// on a bearing that never fails, is a false alarm; the first alert at or after the onset detects the fault.
/// </summary>
public static class DetectionScore
{
    /// <param name="alerts">Per bearing (device, axle): sensor times and labels of its rising events.</param>
    public static (List<BearingOutcome> Bearings, int Started, int Detected, int FalseAlarms, double HealthyHours, List<double> TimesToAlert) Score(
        IReadOnlyList<BearingTruth> truths, IReadOnlyDictionary<(string, string), List<(double Seconds, string? Label)>> alerts, double simulatedSeconds)
    {
        var outcomes = new List<BearingOutcome>();
        int started = 0, detected = 0, falseAlarms = 0;
        double healthySeconds = 0;
        var times = new List<double>();
        foreach (var t in truths)
        {
            var mine = alerts.TryGetValue((t.DeviceId, t.Axle), out var list) ? list : [];
            double healthyUntil = t.OnsetSeconds is { } onset ? Math.Min(onset, simulatedSeconds) : simulatedSeconds;
            healthySeconds += healthyUntil;
            int wrong = mine.Count(a => a.Seconds < healthyUntil);
            falseAlarms += wrong;
            double? first = null;
            string? label = null;
            if (t.OnsetSeconds is { } o && o <= simulatedSeconds)
            {
                started++;
                foreach (var a in mine.Where(a => a.Seconds >= o).OrderBy(a => a.Seconds).Take(1))
                {
                    first = a.Seconds;
                    label = a.Label;
                    detected++;
                    times.Add(a.Seconds - o);
                }
            }
            outcomes.Add(new BearingOutcome(t.DeviceId, t.Axle, t.ShaftHz, t.Fault is { } k ? FaultName(k) : null, t.OnsetSeconds,
                t.Amplitude, first, label, wrong));
        }
        return (outcomes, started, detected, falseAlarms, healthySeconds / 3600, times);
    }

    public static string FaultName(Sensors.Machinery.BearingFaultKind kind) => kind switch
    {
        Sensors.Machinery.BearingFaultKind.OuterRace => "outer",
        Sensors.Machinery.BearingFaultKind.InnerRace => "inner",
        Sensors.Machinery.BearingFaultKind.RollingElement => "ball",
        _ => "cage",
    };

    public static double? Median(List<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
