namespace EdgeToken.Sensors.Machinery;

/// <summary>Where a localised bearing defect sits, which sets its impact rate and modulation.</summary>
public enum BearingFaultKind
{
    /// <summary>Spall on the stationary outer race: impacts at BPFO, steady amplitude (the defect stays in the load zone).</summary>
    OuterRace,

    /// <summary>Spall on the rotating inner race: impacts at BPFI, amplitude-modulated at the shaft rate as the defect passes through the load zone.</summary>
    InnerRace,

    /// <summary>Spall on a rolling element: strikes alternate between the races, so the envelope repeats at BSF; modulated at the cage rate.</summary>
    RollingElement,

    /// <summary>Damaged cage: one disturbance per cage revolution, at FTF.</summary>
    Cage,
}
