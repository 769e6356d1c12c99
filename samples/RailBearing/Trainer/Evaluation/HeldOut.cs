using EdgeToken.Samples.RailBearing.Dataset;
using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Samples.RailBearing.Evaluation;

/// <summary>Figures for a fault type the model never saw in training: it cannot name it, so what counts is
/// whether it is flagged at all (any class but healthy wins).</summary>
public static class HeldOut
{
    public static double FlaggedShare(ClassificationMetrics metrics, BearingFaultKind kind)
    {
        var row = metrics.Confusion[BearingLabels.Of(kind)];
        int total = row.Sum();
        return total == 0 ? double.NaN : (double)(total - row[0]) / total;
    }
}
