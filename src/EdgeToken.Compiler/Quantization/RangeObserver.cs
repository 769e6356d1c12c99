namespace EdgeToken.Compiler.Quantization;

/// <summary>Everything calibration saw of one tensor, and the range each <see cref="CalibrationMethod"/> makes of it.</summary>
/// <remarks>Keeps every value: calibration sets for edge models are a few hundred windows of a few thousand values, so
/// exact percentiles are cheaper than getting histogram bin edges right.</remarks>
public sealed class RangeObserver
{
    private readonly List<float> _values = [];

    public void Observe(ReadOnlySpan<float> values)
    {
        foreach (var v in values) if (float.IsFinite(v)) _values.Add(v);
    }

    public int Count => _values.Count;

    /// <summary>[lo, hi], always containing 0 (so 0 is exactly representable, as zero padding and Relu need).</summary>
    public (float Lo, float Hi) Range(CalibrationMethod method, double percentile = 99.99)
    {
        if (_values.Count == 0) return (0, 0);
        var sorted = _values.ToArray();
        Array.Sort(sorted);
        float lo, hi;
        switch (method)
        {
            case CalibrationMethod.Percentile:
                lo = At(sorted, (100 - percentile) / 100);
                hi = At(sorted, percentile / 100);
                break;
            case CalibrationMethod.Entropy:
                float t = EntropyCalibration.Threshold(sorted);
                lo = Math.Max(sorted[0], -t);
                hi = Math.Min(sorted[^1], t);
                break;
            default:
                lo = sorted[0];
                hi = sorted[^1];
                break;
        }
        return (Math.Min(lo, 0), Math.Max(hi, 0));
    }

    private static float At(float[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int i = (int)Math.Floor(pos);
        if (i >= sorted.Length - 1) return sorted[^1];
        return (float)(sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]));
    }
}
