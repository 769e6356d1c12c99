using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Samples.RailBearing.Dataset;

/// <summary>
/// Which recordings the trainer learns from and which it is judged on. The validation set uses shaft speeds,
/// a load and fault severities that never occur in training (and other seeds), so its figures say how the model
/// does on operating points it was not tuned on.
/// </summary>
public static class DatasetSplit
{
    public static readonly double[] TrainingSpeedsHz = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    public static readonly double[] TrainingLoads = [0.4, 0.6, 0.8, 1.0];
    public static readonly double[] TrainingAmplitudes = [0.2, 0.5, 1.0];

    public static readonly double[] ValidationSpeedsHz = [7.5, 13.5, 16.5];
    public static readonly double[] ValidationLoads = [0.7];
    public static readonly double[] ValidationAmplitudes = [0.3, 0.75];

    private static readonly BearingFaultKind[] AllFaults = Enum.GetValues<BearingFaultKind>();

    /// <remarks>Speeds every 1 Hz over the line-speed range and four loads: features move with the shaft rate (the
    /// fault lines walk through the envelope bands), so a sparse grid teaches the model the grid, not the physics.
    /// The validation speeds sit between the training speeds.</remarks>
    /// <param name="seconds">Scales every recording's length (1 for the committed model; smaller for quick tests).</param>
    /// <param name="excluded">A fault kind left out of training entirely (the held-out-type experiment).</param>
    public static List<BearingCase> Training(ulong seed, double seconds = 1, BearingFaultKind? excluded = null) =>
        Cases(seed * 1_000_003, TrainingSpeedsHz, TrainingLoads, TrainingAmplitudes, healthyRecordings: 8, seconds, excluded);

    public static List<BearingCase> Validation(ulong seed, double seconds = 1) =>
        Cases((seed * 1_000_003) + 500_000, ValidationSpeedsHz, ValidationLoads, ValidationAmplitudes, healthyRecordings: 12, seconds, null);

    private static List<BearingCase> Cases(ulong firstSeed, double[] speeds, double[] loads, double[] amplitudes, int healthyRecordings, double seconds, BearingFaultKind? excluded)
    {
        var cases = new List<BearingCase>();
        ulong next = firstSeed;
        foreach (double speed in speeds)
        {
            foreach (double load in loads)
            {
                for (int h = 0; h < healthyRecordings; h++) cases.Add(new BearingCase(null, speed, load, 0, seconds, next++));
                foreach (var kind in AllFaults)
                {
                    if (kind == excluded) continue;
                    foreach (double amplitude in amplitudes) cases.Add(new BearingCase(kind, speed, load, amplitude, 0.5 * seconds, next++));
                }
            }
        }
        return cases;
    }
}
