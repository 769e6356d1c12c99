namespace EdgeToken.Compiler;

/// <summary>How to compile one model.</summary>
public sealed class CompileOptions
{
    /// <summary>Sizes for dynamic dimensions, by symbol ("batch") or by "input:index".</summary>
    public IReadOnlyDictionary<string, int> Bindings { get; init; } = new Dictionary<string, int>();

    /// <summary>False compiles the graph as imported (the reference the passes are checked against).</summary>
    public bool Optimize { get; init; } = true;

    /// <summary>Pass names to leave out ("activation-fusion", ...).</summary>
    public ISet<string> DisabledPasses { get; init; } = new HashSet<string>();

    /// <summary>Calibration samples (see <see cref="Quantization.CalibrationData"/>): when set, the model is quantized to INT8.</summary>
    public string? CalibrationPath { get; init; }

    /// <summary>Calibration samples already in memory, one whole model input each (a manifest's recording run through
    /// its preprocess chain, <see cref="Manifests.RecordingWindows"/>); used instead of <see cref="CalibrationPath"/>.</summary>
    public IReadOnlyList<float[]>? CalibrationSamples { get; init; }

    /// <summary>How to quantize when <see cref="CalibrationPath"/> or <see cref="CalibrationSamples"/> is set.</summary>
    public Quantization.QuantizeOptions Quantize { get; init; } = new();

    /// <summary>Pruning after the passes and before quantization; null: none.</summary>
    public Pruning.PruneOptions? Prune { get; init; }

    /// <summary>Correct biases by the mean output shift pruning and quantization cause on the calibration data
    /// (<see cref="Pruning.BiasCorrection"/>); needs <see cref="CalibrationPath"/>.</summary>
    public bool BiasCorrection { get; init; }
}
