namespace EdgeToken.Sensors.Machinery;

/// <summary>
/// The housing/axle-box mode that each impact rings: an underdamped second-order system whose
/// impulse response is e^(−ζω_n·t)·sin(ω_d·t), ω_d = ω_n·√(1 − ζ²).
/// </summary>
/// <param name="FrequencyHz">Natural frequency f_n (a few kHz for an axle box).</param>
/// <param name="DampingRatio">ζ (a few per cent for bolted steel structures).</param>
public sealed record StructuralResonance(double FrequencyHz, double DampingRatio)
{
    /// <summary>Decay rate ζ·ω_n in 1/s.</summary>
    public double DecayPerSecond => DampingRatio * 2 * Math.PI * FrequencyHz;

    /// <summary>Damped angular frequency ω_d in rad/s.</summary>
    public double DampedAngularFrequency => 2 * Math.PI * FrequencyHz * Math.Sqrt(1 - (DampingRatio * DampingRatio));

    /// <summary>Time after which the ringing is below e^-9 (about 1e-4) of its start and can be dropped.</summary>
    public double RingingSeconds => 9 / DecayPerSecond;
}
