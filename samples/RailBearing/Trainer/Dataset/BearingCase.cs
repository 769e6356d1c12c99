using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Samples.RailBearing.Dataset;

/// <summary>One simulated recording: an axle box at a shaft speed and load, healthy or with one fully grown defect.</summary>
/// <param name="Fault">The defect, or null for a healthy bearing.</param>
/// <param name="ShaftHz">Axle rotation rate (about 9.6 Hz at 100 km/h on 920 mm wheels).</param>
/// <param name="Load">Radial load, 0..1 of rated.</param>
/// <param name="ImpactAmplitude">Fault severity: peak acceleration (g) of one impact's ringing; ignored when healthy.</param>
/// <param name="Seconds">Length of the recording.</param>
/// <param name="Seed">Simulator seed (noise, phases, slip).</param>
public sealed record BearingCase(BearingFaultKind? Fault, double ShaftHz, double Load, double ImpactAmplitude, double Seconds, ulong Seed)
{
    /// <summary>The class index: 0 healthy, then one per <see cref="BearingFaultKind"/> in its order.</summary>
    public int Label => BearingLabels.Of(Fault);
}
