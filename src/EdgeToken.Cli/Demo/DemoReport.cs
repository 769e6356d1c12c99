namespace EdgeToken.Cli.Demo;

/// <summary>One bearing's outcome: its truth and what the fleet saw.</summary>
/// <param name="FirstAlertSeconds">Sensor time of the first alert at or after the onset; null if none yet.</param>
/// <param name="FalseAlarms">Alerts while the bearing was healthy (before its onset, or ever for a healthy one).</param>
public sealed record BearingOutcome(string Device, string Axle, double ShaftHz, string? Fault, double? OnsetSeconds, double Amplitude,
    double? FirstAlertSeconds, string? AlertLabel, int FalseAlarms);

/// <summary>The demo's figures against the simulator's ground truth (times in sensor seconds).</summary>
public sealed record DemoFigures(
    double WallSeconds,
    double SimulatedSeconds,
    int FaultsStarted,
    int FaultsDetected,
    double DetectionRate,
    int FalseAlarms,
    double HealthyBearingHours,
    double FalseAlarmsPerBearingHour,
    double? MedianSecondsToAlert,
    double? MaxSecondsToAlert,
    long Windows,
    double MeanInferenceMicroseconds,
    long RawBytes,
    long UplinkBytes,
    double Reduction,
    double DroppedShare,
    IReadOnlyList<BearingOutcome> Bearings);

/// <summary>What <c>edgetoken demo --json</c> prints at the end.</summary>
public sealed record DemoReport(
    string Dashboard,
    string User,
    string Password,
    string Model,
    string Precision,
    int Devices,
    int BearingCount,
    double RequestedSpeedup,
    double IsolatedInferenceMicroseconds,
    long RecordsStored,
    int DevicesWithSummaries,
    DemoFigures Figures);
