namespace EdgeToken.Sensors.Machinery;

/// <summary>A localised defect that appears at <paramref name="OnsetSeconds"/> and grows.</summary>
/// <param name="Kind">Location of the defect.</param>
/// <param name="OnsetSeconds">Simulation time at which the first impacts occur.</param>
/// <param name="GrowthSeconds">Time for the impact amplitude to ramp from zero to <paramref name="ImpactAmplitude"/>; 0 for a fully grown defect at onset.</param>
/// <param name="ImpactAmplitude">Peak acceleration (g) of one impact's ringing at full severity.</param>
public sealed record BearingFault(BearingFaultKind Kind, double OnsetSeconds, double GrowthSeconds, double ImpactAmplitude)
{
    /// <summary>Severity 0..1 at time <paramref name="seconds"/>: zero before onset, then a linear ramp (spall growth is slow next to a recording).</summary>
    public double SeverityAt(double seconds)
    {
        if (seconds < OnsetSeconds)
        {
            return 0;
        }

        return GrowthSeconds <= 0 ? 1 : Math.Min(1, (seconds - OnsetSeconds) / GrowthSeconds);
    }
}
