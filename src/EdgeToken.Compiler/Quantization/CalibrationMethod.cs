namespace EdgeToken.Compiler.Quantization;

/// <summary>How an activation's range is chosen from the values calibration saw.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value: nothing clips, outliers cost resolution.</summary>
    MinMax,
    /// <summary>The <see cref="QuantizeOptions.Percentile"/>-th and (100 - it)-th percentiles: rare outliers clip.</summary>
    Percentile,
    /// <summary>The clipping threshold whose 128-level quantized histogram is closest to the full one in KL divergence.</summary>
    Entropy,
}
