using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Sensors.Dsp;

/// <summary>Condition-monitoring statistics of a block of vibration samples.</summary>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="Rms">Root mean square of the raw values (includes the mean; detrend first for AC RMS).</param>
/// <param name="Peak">Largest absolute value.</param>
/// <param name="PeakToPeak">Maximum minus minimum.</param>
/// <param name="CrestFactor">Peak / RMS: rises early with impacting faults, before RMS does.</param>
/// <param name="Kurtosis">m4 / m2² (3 for Gaussian noise, well above for impulsive bearing faults). Not the excess form.</param>
/// <param name="Skewness">m3 / m2^1.5: asymmetry, e.g. rubbing or clipping.</param>
public readonly record struct TimeDomainStatistics(
    float Mean, float Rms, float Peak, float PeakToPeak, float CrestFactor, float Kurtosis, float Skewness)
{
    /// <summary>Number of statistics (for feature layouts).</summary>
    public const int Count = 6;

    /// <summary>Computes the statistics of <paramref name="samples"/>.</summary>
    /// <remarks>
    /// Two passes: the mean, then the central moments m2, m3, m4 accumulated in double
    /// (widened from float vectors) because the fourth power of float samples loses digits
    /// quickly when summed over thousands of values.
    /// </remarks>
    public static TimeDomainStatistics Compute(ReadOnlySpan<float> samples)
    {
        int n = samples.Length;
        if (n == 0)
        {
            return default;
        }

        float mean = TensorPrimitives.Sum(samples) / n;
        float max = TensorPrimitives.Max(samples);
        float min = TensorPrimitives.Min(samples);
        double sumSquares = TensorPrimitives.SumOfSquares(samples);

        double m2 = 0, m3 = 0, m4 = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var vm2 = Vector256<double>.Zero;
            var vm3 = Vector256<double>.Zero;
            var vm4 = Vector256<double>.Zero;
            var vmean = Vector256.Create((double)mean);
            ref float start = ref MemoryMarshal.GetReference(samples);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref start, (nuint)i);
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(v);
                Accumulate(lo - vmean, ref vm2, ref vm3, ref vm4);
                Accumulate(hi - vmean, ref vm2, ref vm3, ref vm4);
            }

            m2 = Vector256.Sum(vm2);
            m3 = Vector256.Sum(vm3);
            m4 = Vector256.Sum(vm4);
        }

        for (; i < n; i++)
        {
            double d = samples[i] - (double)mean;
            double d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }

        return FromMoments(n, mean, min, max, sumSquares, m2, m3, m4);
    }

    /// <summary>Scalar double-precision reference of <see cref="Compute"/>.</summary>
    public static TimeDomainStatistics ComputeScalar(ReadOnlySpan<float> samples)
    {
        int n = samples.Length;
        if (n == 0)
        {
            return default;
        }

        double sum = 0, sumSquares = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float x in samples)
        {
            sum += x;
            sumSquares += (double)x * x;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }

        double mean = sum / n;
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (float x in samples)
        {
            double d = x - mean;
            m2 += d * d;
            m3 += d * d * d;
            m4 += d * d * d * d;
        }

        return FromMoments(n, (float)mean, min, max, sumSquares, m2, m3, m4);
    }

    private static void Accumulate(Vector256<double> d, ref Vector256<double> m2, ref Vector256<double> m3, ref Vector256<double> m4)
    {
        Vector256<double> d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }

    private static TimeDomainStatistics FromMoments(int n, float mean, float min, float max, double sumSquares, double m2, double m3, double m4)
    {
        m2 /= n;
        m3 /= n;
        m4 /= n;
        float rms = (float)Math.Sqrt(sumSquares / n);
        float peak = Math.Max(Math.Abs(max), Math.Abs(min));
        // A constant block has no shape: report Gaussian-neutral values rather than NaN.
        float kurtosis = m2 > 0 ? (float)(m4 / (m2 * m2)) : 0f;
        float skewness = m2 > 0 ? (float)(m3 / Math.Pow(m2, 1.5)) : 0f;
        float crest = rms > 0 ? peak / rms : 0f;
        return new TimeDomainStatistics(mean, rms, peak, max - min, crest, kurtosis, skewness);
    }

    /// <summary>Writes Rms, Peak, PeakToPeak, CrestFactor, Kurtosis, Skewness (in that order) to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<float> destination)
    {
        destination[0] = Rms;
        destination[1] = Peak;
        destination[2] = PeakToPeak;
        destination[3] = CrestFactor;
        destination[4] = Kurtosis;
        destination[5] = Skewness;
    }
}
