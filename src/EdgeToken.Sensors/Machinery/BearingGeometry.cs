namespace EdgeToken.Sensors.Machinery;

/// <summary>
/// Rolling-element bearing geometry and its kinematic fault frequencies (outer ring stationary,
/// inner ring turning with the shaft, no slip).
/// </summary>
/// <param name="PitchDiameter">D: diameter of the circle through the rolling-element centres (any length unit, same as <paramref name="RollingElementDiameter"/>).</param>
/// <param name="RollingElementDiameter">d: ball or roller diameter.</param>
/// <param name="RollingElementCount">n: number of balls or rollers per row.</param>
/// <param name="ContactAngleRadians">φ: contact angle (0 for a deep-groove ball bearing under radial load; 10-15° for tapered axle-box rollers).</param>
public sealed record BearingGeometry(double PitchDiameter, double RollingElementDiameter, int RollingElementCount, double ContactAngleRadians)
{
    /// <summary>d/D·cos φ, the ratio every fault frequency is built from.</summary>
    public double Ratio => RollingElementDiameter / PitchDiameter * Math.Cos(ContactAngleRadians);

    /// <summary>Ball pass frequency, outer race: BPFO = n/2 · fr · (1 − d/D·cos φ).</summary>
    public double Bpfo(double shaftHz) => RollingElementCount / 2.0 * shaftHz * (1 - Ratio);

    /// <summary>Ball pass frequency, inner race: BPFI = n/2 · fr · (1 + d/D·cos φ).</summary>
    public double Bpfi(double shaftHz) => RollingElementCount / 2.0 * shaftHz * (1 + Ratio);

    /// <summary>Ball spin frequency: BSF = D/(2d) · fr · (1 − (d/D·cos φ)²).</summary>
    public double Bsf(double shaftHz) => PitchDiameter / (2 * RollingElementDiameter) * shaftHz * (1 - (Ratio * Ratio));

    /// <summary>Fundamental train (cage) frequency: FTF = fr/2 · (1 − d/D·cos φ).</summary>
    public double Ftf(double shaftHz) => shaftHz / 2 * (1 - Ratio);

    /// <summary>The characteristic frequency of <paramref name="kind"/> at shaft rate <paramref name="shaftHz"/>.</summary>
    public double FaultFrequency(BearingFaultKind kind, double shaftHz) => kind switch
    {
        BearingFaultKind.OuterRace => Bpfo(shaftHz),
        BearingFaultKind.InnerRace => Bpfi(shaftHz),
        BearingFaultKind.RollingElement => Bsf(shaftHz),
        BearingFaultKind.Cage => Ftf(shaftHz),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// A double-row tapered roller axle-box bearing of the size used on freight wagons
    /// (about 130 mm bore): D = 185 mm, d = 24 mm, 20 rollers per row, φ = 10°. Illustrative, not a catalogue entry.
    /// </summary>
    public static BearingGeometry RailwayAxleBox { get; } = new(185, 24, 20, 10 * Math.PI / 180);
}
