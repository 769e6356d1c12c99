using System.Numerics.Tensors;

namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Triangular mel-spaced filters applied to a power spectrum, followed by a natural log:
/// the log-mel energies used by audio-style models (e.g. for acoustic bearing monitoring).
/// </summary>
/// <remarks>
/// HTK mel scale, mel = 2595·log10(1 + f/700). Filters are triangles in Hz between
/// consecutive points equally spaced in mel, with unit peak. Each filter's weights are stored
/// densely over its own bin range only, so applying the bank is one dot product per filter.
/// A floor of 1e-10 keeps silent bands at a finite log value.
/// </remarks>
public sealed class MelFilterbank
{
    private const float LogFloor = 1e-10f;
    private readonly int[] _firstBin;
    private readonly float[][] _weights;

    /// <summary>Creates <paramref name="melCount"/> filters from <paramref name="lowHz"/> to <paramref name="highHz"/> for spectra of <paramref name="fftLength"/>-point FFTs at <paramref name="sampleRateHz"/>.</summary>
    public MelFilterbank(int melCount, int fftLength, double sampleRateHz, double lowHz, double highHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(melCount, 1);
        if (!(highHz > lowHz) || highHz > sampleRateHz / 2)
        {
            throw new ArgumentException($"Mel range [{lowHz} Hz, {highHz} Hz] must be increasing and end at or below Nyquist ({sampleRateHz / 2} Hz).");
        }

        BinCount = (fftLength / 2) + 1;
        double binHz = sampleRateHz / fftLength;
        double melLow = HzToMel(lowHz), melHigh = HzToMel(highHz);
        var edges = new double[melCount + 2];
        for (int i = 0; i < edges.Length; i++)
        {
            edges[i] = MelToHz(melLow + ((melHigh - melLow) * i / (melCount + 1)));
        }

        _firstBin = new int[melCount];
        _weights = new float[melCount][];
        for (int m = 0; m < melCount; m++)
        {
            double left = edges[m], centre = edges[m + 1], right = edges[m + 2];
            int first = (int)Math.Ceiling(left / binHz);
            int last = Math.Min(BinCount - 1, (int)Math.Floor(right / binHz));
            var weights = new float[Math.Max(0, last - first + 1)];
            for (int k = first; k <= last; k++)
            {
                double f = k * binHz;
                double w = f <= centre ? (f - left) / (centre - left) : (right - f) / (right - centre);
                weights[k - first] = (float)Math.Max(0, w);
            }

            _firstBin[m] = first;
            _weights[m] = weights;
        }
    }

    /// <summary>Number of filters.</summary>
    public int MelCount => _weights.Length;

    /// <summary>Power-spectrum length expected.</summary>
    public int BinCount { get; }

    /// <summary>HTK mel of a frequency.</summary>
    public static double HzToMel(double hz) => 2595 * Math.Log10(1 + (hz / 700));

    /// <summary>Frequency of an HTK mel value.</summary>
    public static double MelToHz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);

    /// <summary>Weight of filter <paramref name="filter"/> at bin <paramref name="bin"/> (for tests and plots).</summary>
    public float Weight(int filter, int bin)
    {
        int offset = bin - _firstBin[filter];
        return (uint)offset < (uint)_weights[filter].Length ? _weights[filter][offset] : 0f;
    }

    /// <summary>Writes ln(max(Σ w·P, 1e-10)) for each filter.</summary>
    public void ApplyLog(ReadOnlySpan<float> power, Span<float> logMel)
    {
        if (power.Length < BinCount || logMel.Length < MelCount)
        {
            throw new ArgumentException($"Mel filterbank needs {BinCount} bins and room for {MelCount} outputs; got {power.Length} and {logMel.Length}.");
        }

        for (int m = 0; m < _weights.Length; m++)
        {
            float energy = TensorPrimitives.Dot(power.Slice(_firstBin[m], _weights[m].Length), _weights[m]);
            logMel[m] = MathF.Log(Math.Max(energy, LogFloor));
        }
    }
}
