namespace EdgeToken.Compiler.Quantization;

/// <summary>Symmetric int8 weights, [-127, 127] (never -128, so negating a weight cannot overflow and the VNNI and AVX2
/// paths stay exact), or with 7 bits [-64, 64], one scale per output channel (row of [N, K]) or one for the tensor.</summary>
/// <remarks>7 bits keep ±64 (not ±63): the bound that matters is a pair's |wa| + |wb| ≤ 128 (vpmaddubsw with u8
/// activations cannot saturate), and ±64 meets it while using a half step more of range than ±63.</remarks>
public static class WeightQuantizer
{
    /// <summary>The largest |q| of <paramref name="bits"/>-bit weights: 127 for 8, 64 for 7.</summary>
    public static int MaxLevel(int bits) => bits switch
    {
        8 => 127,
        7 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(bits), bits, "weight bits are 8 or 7"),
    };

    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> w, int rows, int cols, bool perChannel) =>
        Quantize(w, rows, cols, perChannel, bits: 8);

    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> w, int rows, int cols, bool perChannel, int bits)
    {
        int level = MaxLevel(bits);
        var scales = new float[perChannel ? rows : 1];
        for (int r = 0; r < rows; r++)
        {
            float max = 0;
            foreach (var v in w.Slice(r * cols, cols)) max = Math.Max(max, Math.Abs(v));
            int s = perChannel ? r : 0;
            scales[s] = Math.Max(scales[s], max / level);
        }
        for (int i = 0; i < scales.Length; i++) if (scales[i] == 0) scales[i] = 1f; // an all-zero channel
        var q = new sbyte[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            float s = scales[perChannel ? r : 0];
            for (int c = 0; c < cols; c++)
                q[r * cols + c] = (sbyte)Math.Clamp(Math.Round(w[r * cols + c] / s, MidpointRounding.ToEven), -level, level);
        }
        return (q, scales);
    }
}
