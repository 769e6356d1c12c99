using EdgeToken.Samples.RailBearing.Dataset;
using EdgeToken.Samples.RailBearing.Model;
using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Samples.RailBearing;

/// <summary>Data, then training: what the trainer's entry point and the determinism test both call.</summary>
public static class TrainingRun
{
    /// <summary>The anomaly score (1 − p(healthy)) at which a window counts as faulty; the agent and manifest use it too.</summary>
    public const double AnomalyThreshold = 0.5;

    public static (BearingClassifier Model, FeatureSet Training) Train(TrainingOptions options, double seconds = 1, BearingFaultKind? excluded = null, Action<int, double>? progress = null)
    {
        var training = BearingRecorder.Record(DatasetSplit.Training(options.Seed, seconds, excluded), evidenceOnly: true);
        return (ClassifierTrainer.Train(training, options, progress), training);
    }

    public static FeatureSet Validation(ulong seed, double seconds = 1) => BearingRecorder.Record(DatasetSplit.Validation(seed, seconds), evidenceOnly: false);
}
