namespace EdgeToken.Sensors.Machinery;

/// <summary>Everything a <see cref="MachinerySimulator"/> needs; the same options and seed give the same samples.</summary>
/// <param name="SampleRateHz">Output sample rate.</param>
/// <param name="Shaft">Speed, load and healthy harmonics.</param>
/// <param name="Bearing">Bearing geometry (sets the fault frequencies).</param>
/// <param name="Resonance">Structural mode the impacts excite.</param>
/// <param name="Faults">Defects (may be empty for a healthy machine).</param>
/// <param name="NoiseRms">Broadband Gaussian noise (g RMS) per channel: sensor noise plus rail/wheel excitation.</param>
/// <param name="ChannelGains">Transmission from the bearing to each sensor axis (one entry per output channel).</param>
/// <param name="SlipFraction">Standard deviation of the random variation of each impact interval, as a fraction; real bearings slip 1-2 %, which smears the lines without moving their centre.</param>
/// <param name="Seed">Random seed.</param>
public sealed record MachineryOptions(
    double SampleRateHz,
    RotatingShaft Shaft,
    BearingGeometry Bearing,
    StructuralResonance Resonance,
    BearingFault[] Faults,
    double NoiseRms,
    double[] ChannelGains,
    double SlipFraction,
    ulong Seed)
{
    /// <summary>A railway axle box at 10 Hz shaft speed, 3 kHz housing mode, three axes, sampled at 20.48 kHz.</summary>
    public static MachineryOptions AxleBox(ulong seed, params BearingFault[] faults) => new(
        SampleRateHz: 20480,
        Shaft: RotatingShaft.Healthy(10),
        Bearing: BearingGeometry.RailwayAxleBox,
        Resonance: new StructuralResonance(3000, 0.05),
        Faults: faults,
        NoiseRms: 0.05,
        ChannelGains: [1.0, 0.6, 0.3],
        SlipFraction: 0.005,
        Seed: seed);
}
