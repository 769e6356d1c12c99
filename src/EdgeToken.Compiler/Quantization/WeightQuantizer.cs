namespace EdgeToken.Compiler.Quantization;

/// <summary>Symmetric int8 weights, [-127, 127] (never -128, so negating a weight cannot overflow and the VNNI and AVX2
/// paths stay exact), one scale per output channel (row of [N, K]) or one for the tensor.</summary>
public static class WeightQuantizer
{
    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> w, int rows, int cols, bool perChannel)
    {
        var scales = new float[perChannel ? rows : 1];
        for (int r = 0; r < rows; r++)
        {
            float max = 0;
            foreach (var v in w.Slice(r * cols, cols)) max = Math.Max(max, Math.Abs(v));
            int s = perChannel ? r : 0;
            scales[s] = Math.Max(scales[s], max / 127f);
        }
        for (int i = 0; i < scales.Length; i++) if (scales[i] == 0) scales[i] = 1f; // an all-zero channel
        var q = new sbyte[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            float s = scales[perChannel ? r : 0];
            for (int c = 0; c < cols; c++)
                q[r * cols + c] = (sbyte)Math.Clamp(Math.Round(w[r * cols + c] / s, MidpointRounding.ToEven), -127, 127);
        }
        return (q, scales);
    }
}
