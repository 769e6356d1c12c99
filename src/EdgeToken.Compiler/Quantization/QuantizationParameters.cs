namespace EdgeToken.Compiler.Quantization;

/// <summary>An int8 tensor's scale and zero point: real = scale · (q - zero_point).</summary>
public readonly record struct QuantizationParameters(float Scale, int ZeroPoint)
{
    /// <summary>Asymmetric int8 for activations: [lo, hi] (containing 0) onto [-128, 127], 0 exact.</summary>
    public static QuantizationParameters Asymmetric(float lo, float hi)
    {
        if (hi - lo <= 0) return new QuantizationParameters(1f, 0); // a constant-zero tensor: any scale is exact
        float scale = (hi - lo) / 255f;
        int zero = (int)Math.Clamp(Math.Round(-128 - lo / scale, MidpointRounding.AwayFromZero), -128, 127);
        return new QuantizationParameters(scale, zero);
    }

    public sbyte Quantize(float v) => (sbyte)Math.Clamp(Math.Round(v / Scale, MidpointRounding.ToEven) + ZeroPoint, -128, 127);

    public float Dequantize(int q) => Scale * (q - ZeroPoint);
}
