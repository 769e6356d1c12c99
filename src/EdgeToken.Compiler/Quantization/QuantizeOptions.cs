namespace EdgeToken.Compiler.Quantization;

/// <summary>How to quantize a model.</summary>
public sealed class QuantizeOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;
    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the upper percentile kept (the lower is 100 minus it).</summary>
    public double Percentile { get; init; } = 99.99;
    /// <summary>One scale per output channel (default) or one per weight tensor.</summary>
    public bool PerChannelWeights { get; init; } = true;
    /// <summary>Bits of the weight values: 8 (default, [-127, 127]) or 7 ([-64, 64]).</summary>
    /// <remarks>With 7 bits every adjacent pair has |wa| + |wb| ≤ 128, so x86 without VNNI can multiply x + 128 as u8 with
    /// vpmaddubsw exactly (twice the products per instruction; see <c>U8S8Pairs</c>), for a few dB less SQNR (2-4 dB per layer on the benchmark models).</remarks>
    public int WeightBits { get; init; } = 8;
    /// <summary>Which GRUs become <c>EdgeToken.QGru</c> (int8 W and R, 2.85x smaller on the benchmark GRU): true, every
    /// eligible one; false, none; null (the default), those <see cref="RecurrentCostModel"/> expects to run faster in int8
    /// (hidden ≥ 64, a multiple of 8). Below that the int8 cell is slower than the float one on x64 without VNNI (a step
    /// is latency-bound and quantizing h sits on its chain), and a quantized model must not come out slower unless its
    /// owner asks for it.</summary>
    public bool? Recurrent { get; init; }
    /// <summary>Nodes (by name) left in float.</summary>
    public ISet<string> Exclude { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    /// <summary>False: the calibration file only serves pruning's bias correction; the model stays float.</summary>
    public bool Enabled { get; init; } = true;
}
