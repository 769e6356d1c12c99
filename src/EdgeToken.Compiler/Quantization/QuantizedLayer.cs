namespace EdgeToken.Compiler.Quantization;

/// <summary>What quantization did to one layer, and what it cost in accuracy (filled by <see cref="QuantizationReport"/>).</summary>
/// <remarks>Bytes: the weight matrix alone (<see cref="FloatWeightBytes"/>, <see cref="Int8WeightBytes"/>: exactly 4 : 1), and
/// the whole layer (<see cref="FloatBytes"/>, <see cref="Int8Bytes"/>), which adds the bias (int32 either way) and one fixed-point
/// multiplier and shift per output channel. A GRU's int8 weights are stored packed, each gate padded to a multiple of 8 rows and
/// the depth to a multiple of 4, and the bytes count that padding; its bias stays float and each row has a float scale.</remarks>
public sealed record QuantizedLayer(string Name, string OpType, long FloatWeightBytes, long Int8WeightBytes, long FloatBytes, long Int8Bytes,
    long Macs, QuantizationParameters Input, QuantizationParameters Output, string Activation)
{
    /// <summary>Signal-to-quantization-noise ratio of the layer's output in the quantized model against the float model, dB.</summary>
    public double SqnrDb { get; set; } = double.NaN;
    /// <summary>Largest absolute difference of the layer's output, quantized model against float model.</summary>
    public double MaxError { get; set; } = double.NaN;
    /// <summary>The float value the report compares, for a layer that writes float itself (a GRU); null: the output of
    /// the layer's <c>DequantizeLinear</c>.</summary>
    public string? OutputName { get; init; }
    /// <summary>Significant bits of the widest requantization multiplier: below 31 when the quantizer rounded a
    /// convolution's multipliers so that it requantizes on 32-bit lanes (<c>NarrowRequantization</c>); 31 for the full
    /// 64-bit form.</summary>
    public int RequantBits { get; init; } = 31;
}
