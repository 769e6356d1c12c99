namespace EdgeToken.Samples.RailBearing.Evaluation;

/// <summary>What the trainer writes to rail-bearing.metrics.json: how the model was made and how it does.</summary>
public sealed record TrainingReport(
    ulong Seed,
    string? HeldOutFault,
    string WeightSha256,
    int TrainingWindows,
    int ValidationWindows,
    double[] TrainingSpeedsHz,
    double[] ValidationSpeedsHz,
    double[] TrainingAmplitudes,
    double[] ValidationAmplitudes,
    ClassificationMetrics Training,
    ClassificationMetrics Validation,
    ClassificationMetrics ValidationPlanFloat,
    ClassificationMetrics ValidationPlanInt8);
