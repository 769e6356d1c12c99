using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Quantization;

namespace EdgeToken.Compiler.Manifests;

/// <summary>The manifest's <c>optimization</c> section: quantization, pruning, bias correction, and the accuracy budget
/// checked on validation data. Paths are relative to the manifest.</summary>
public sealed record Optimization(DataFile? Calibration, bool Quantize, QuantizeOptions QuantizeOptions, PruneOptions? Prune, bool BiasCorrection,
    DataFile? Validation, string? ValidationLabels, AccuracyBudget Budget)
{
    /// <summary>Line and column of the section, for budget errors.</summary>
    public (int Line, int Column) Position { get; init; }
}

/// <summary>What the optimised model may lose against the float model on the validation data. Classifiers: the top-1
/// accuracy drop in percentage points; regressors and anomaly scores: a minimum output SQNR in dB and/or a maximum
/// absolute output error. Null: not checked.</summary>
public sealed record AccuracyBudget(double? MaxAccuracyDropPoints, double? MinSqnrDb, double? MaxOutputError);

/// <summary>Calibration or validation data named by the manifest (path relative to it): model-input samples
/// (<see cref="CalibrationData"/>: <c>.f32</c>, <c>.csv</c>), or a recording from the sensor front end
/// (<see cref="RecordingWindows"/>: <c>.wav</c>, or <c>.csv</c> named with <c>"recording"</c>) that the manifest's
/// windowing and preprocess chain turn into samples.</summary>
public sealed record DataFile(string Path, bool IsRecording)
{
    /// <summary>The samples for a model whose input holds <paramref name="elementsPerSample"/> values.</summary>
    public List<float[]> Load(Manifest manifest, PreprocessChain chain, int elementsPerSample) => IsRecording
        ? RecordingWindows.Load(manifest.Resolve(Path), manifest.Input, chain)
        : CalibrationData.Load(manifest.Resolve(Path), elementsPerSample);
}
