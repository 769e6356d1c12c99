using System.Numerics.Tensors;

namespace EdgeToken.Sensors.Dsp;

/// <summary>Sums a one-sided power spectrum over fixed frequency bands; band edges are turned into bin ranges once.</summary>
public sealed class BandEnergies
{
    private readonly int[] _firstBin;
    private readonly int[] _binCount;

    /// <summary>Creates band sums for spectra of <paramref name="binCount"/> bins spaced <paramref name="binWidthHz"/> apart.</summary>
    /// <remarks>A bin belongs to a band if its centre frequency lies in [low, high).</remarks>
    public BandEnergies(ReadOnlySpan<FrequencyBand> bands, int binCount, double binWidthHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        BinCount = binCount;
        _firstBin = new int[bands.Length];
        _binCount = new int[bands.Length];
        for (int b = 0; b < bands.Length; b++)
        {
            if (!(bands[b].HighHz > bands[b].LowHz) || bands[b].LowHz < 0)
            {
                throw new ArgumentException($"Band {b} [{bands[b].LowHz} Hz, {bands[b].HighHz} Hz) is empty or negative.", nameof(bands));
            }

            int first = Math.Clamp((int)Math.Ceiling(bands[b].LowHz / binWidthHz), 0, binCount);
            int end = Math.Clamp((int)Math.Ceiling(bands[b].HighHz / binWidthHz), 0, binCount);
            _firstBin[b] = first;
            _binCount[b] = Math.Max(0, end - first);
        }
    }

    /// <summary>Number of bands (length of the output).</summary>
    public int BandCount => _firstBin.Length;

    /// <summary>Spectrum length expected.</summary>
    public int BinCount { get; }

    /// <summary>Writes the summed power of each band into <paramref name="destination"/>.</summary>
    public void Compute(ReadOnlySpan<float> power, Span<float> destination)
    {
        if (power.Length < BinCount || destination.Length < BandCount)
        {
            throw new ArgumentException($"Band energies need {BinCount} bins and room for {BandCount} bands; got {power.Length} bins and {destination.Length} slots.");
        }

        for (int b = 0; b < _firstBin.Length; b++)
        {
            destination[b] = TensorPrimitives.Sum(power.Slice(_firstBin[b], _binCount[b]));
        }
    }
}
