namespace EdgeToken.Compiler.Quantization;

/// <summary>How to quantize a model.</summary>
public sealed class QuantizeOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;
    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the upper percentile kept (the lower is 100 minus it).</summary>
    public double Percentile { get; init; } = 99.99;
    /// <summary>One scale per output channel (default) or one per weight tensor.</summary>
    public bool PerChannelWeights { get; init; } = true;
    /// <summary>Nodes (by name) left in float.</summary>
    public ISet<string> Exclude { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    /// <summary>False: the calibration file only serves pruning's bias correction; the model stays float.</summary>
    public bool Enabled { get; init; } = true;
}
