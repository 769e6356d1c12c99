using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Cli.Demo;

/// <summary>The simulator's ground truth for one axle bearing: its speed and, if it fails, how and when.</summary>
/// <param name="DeviceId">The wagon's agent.</param>
/// <param name="Axle">The axle's source and pipeline name in that agent.</param>
/// <param name="OnsetSeconds">Sensor time of the first impact; null for a bearing that stays healthy.</param>
/// <param name="GrowthSeconds">Sensor seconds from onset to full severity.</param>
/// <param name="Amplitude">Peak impact acceleration (g) at full severity.</param>
public sealed record BearingTruth(string DeviceId, string Axle, double ShaftHz, BearingFaultKind? Fault, double? OnsetSeconds,
    double GrowthSeconds, double Amplitude, ulong Seed);
