using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Quantization;

namespace EdgeToken.Compiler.Manifests;

/// <summary>The manifest's <c>optimization</c> section: quantization, pruning, bias correction, and the accuracy budget
/// checked on validation data. Paths are relative to the manifest.</summary>
public sealed record Optimization(string? Calibration, bool Quantize, QuantizeOptions QuantizeOptions, PruneOptions? Prune, bool BiasCorrection,
    string? Validation, string? ValidationLabels, AccuracyBudget Budget)
{
    /// <summary>Line and column of the section, for budget errors.</summary>
    public (int Line, int Column) Position { get; init; }
}

/// <summary>What the optimised model may lose against the float model on the validation data. Classifiers: the top-1
/// accuracy drop in percentage points; regressors and anomaly scores: a minimum output SQNR in dB and/or a maximum
/// absolute output error. Null: not checked.</summary>
public sealed record AccuracyBudget(double? MaxAccuracyDropPoints, double? MinSqnrDb, double? MaxOutputError);
