namespace EdgeToken.Compiler.Manifests;

/// <summary>A parsed <c>*.edgemodel.json</c>: one pipeline from sensor samples to a decision. The field
/// reference is docs/manifest.md; the JSON Schema is schemas/edgemodel.schema.json.</summary>
public sealed record Manifest(
    string Path,
    string Name,
    string Namespace,
    string ModelPath,
    IReadOnlyDictionary<string, int> Dimensions,
    SensorInput Input,
    IReadOnlyList<PreprocessStep> Preprocess,
    BackendChoice Backend,
    OutputMeaning Output)
{
    /// <summary>Where fields sit in the file, for errors found after parsing (shape checks against the model).</summary>
    public required ManifestPositions Positions { get; init; }

    /// <summary>Quantization, pruning and the accuracy budget; null: the model stays as it is.</summary>
    public Optimization? Optimization { get; init; }

    /// <summary>A path the manifest gives, made absolute against the manifest's folder.</summary>
    public string Resolve(string relative) => System.IO.Path.GetFullPath(relative, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);

    /// <summary>The model's full path: <see cref="ModelPath"/> is relative to the manifest.</summary>
    public string ModelFullPath => System.IO.Path.GetFullPath(ModelPath, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
}

/// <summary>Line and column of the sections later checks point at.</summary>
public sealed record ManifestPositions((int Line, int Column) Model, (int Line, int Column) Input,
    (int Line, int Column) Dimensions, (int Line, int Column) Backend, (int Line, int Column) Output)
{
    /// <summary>The <c>preprocess</c> field (the input's position when there is none): where a chain whose
    /// output does not fit the model is reported.</summary>
    public (int Line, int Column) Preprocess { get; init; } = Input;
}

/// <summary>How samples arrive: frames of <see cref="Channels"/> values (interleaved) at <see cref="SampleRate"/>;
/// the model sees <see cref="Window"/> frames, a new window every <see cref="Hop"/> frames.</summary>
public sealed record SensorInput(int Channels, double SampleRate, int Window, int Hop, InputLayout Layout, double Scale, double Offset);

/// <summary>How the model's input tensor orders one window.</summary>
public enum InputLayout
{
    /// <summary>[..., window, channels]: frames as they arrive (the default).</summary>
    ChannelsLast,
    /// <summary>[..., channels, window]: one row per channel (Conv1d models).</summary>
    ChannelsFirst,
}

/// <summary>One stage of the preprocessing chain, applied per channel in model units. The affine stages
/// (<see cref="ScaleStep"/>, <see cref="StandardizeStep"/>) are here; the DSP stages are in PreprocessSteps.Dsp.cs.</summary>
public abstract record PreprocessStep(string Op)
{
    /// <summary>Line and column of the step's object in the manifest, for the chain's diagnostics.</summary>
    public (int Line, int Column) At { get; init; }

    /// <summary>True for stages that are x * a[c] + b[c] and fold into their neighbours.</summary>
    public virtual bool IsAffine => false;
}

/// <summary>x * factor + offset.</summary>
public sealed record ScaleStep(double Factor, double Offset) : PreprocessStep("scale")
{
    public override bool IsAffine => true;
}

/// <summary>(x - mean[c]) / std[c], one value per channel or one for all; at the end of a chain with DSP steps also
/// one value per model input, in the model input's order (EdgeToken.Sensors.Dsp.Standardizer per channel).</summary>
public sealed record StandardizeStep(double[] Mean, double[] Std) : PreprocessStep("standardize")
{
    public override bool IsAffine => true;

    /// <summary>True when mean or std has a value per model input rather than one for all or one per channel.</summary>
    public bool IsPerValue(int channels) => Mean.Length is not 1 && Mean.Length != channels || Std.Length is not 1 && Std.Length != channels;
}

public enum BackendKind
{
    Generated,
    OnnxRuntime,
}

/// <summary>Which engine runs the model; for ONNX Runtime, the execution providers to try in order.</summary>
public sealed record BackendChoice(BackendKind Kind, IReadOnlyList<string> ExecutionProviders);

public enum OutputKind
{
    Classes,
    Anomaly,
    Regression,
}

/// <summary>What the model's output means: class scores with a threshold and debounce, an anomaly score with
/// a threshold (and debounce), or raw regression values.</summary>
public sealed record OutputMeaning(OutputKind Kind, IReadOnlyList<string> Labels, double Threshold, int Debounce);
