using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.FrontEnd;

/// <summary>Configuration of a <see cref="BearingFrontEnd"/>.</summary>
/// <param name="SampleRateHz">Sample rate of every channel.</param>
/// <param name="WindowLength">Samples per analysis window (even; N/2 must factor into 2, 3, 5).</param>
/// <param name="Hop">New samples between windows; WindowLength/2 gives 50 % overlap, which with Hann keeps every sample equally weighted.</param>
/// <param name="ChannelCount">Interleaved channels (e.g. 3 for an X/Y/Z accelerometer).</param>
/// <param name="SpectrumBands">Bands of the vibration power spectrum to sum.</param>
/// <param name="EnvelopeBands">Bands of the envelope spectrum to sum (where the bearing fault lines live).</param>
public sealed record BearingFrontEndOptions(
    double SampleRateHz,
    int WindowLength,
    int Hop,
    int ChannelCount,
    FrequencyBand[] SpectrumBands,
    FrequencyBand[] EnvelopeBands)
{
    /// <summary>
    /// Window 2048, hop 1024, three channels; eight octave-ish vibration bands up to Nyquist and
    /// envelope bands of 25 Hz up to 400 Hz, which hold the first harmonics of BPFO/BPFI/BSF for
    /// a railway axle bearing at line speed (shaft 5-20 Hz).
    /// </summary>
    public static BearingFrontEndOptions Default(double sampleRateHz)
    {
        double nyquist = sampleRateHz / 2;
        double[] edges = [0, 50, 100, 200, 500, 1000, 2000, 4000, nyquist];
        var spectrum = new List<FrequencyBand>();
        for (int i = 0; i + 1 < edges.Length && edges[i] < nyquist; i++)
        {
            spectrum.Add(new FrequencyBand(edges[i], Math.Min(edges[i + 1], nyquist)));
        }

        var envelope = new FrequencyBand[16];
        for (int i = 0; i < envelope.Length; i++)
        {
            envelope[i] = new FrequencyBand(i * 25, (i + 1) * 25);
        }

        return new BearingFrontEndOptions(sampleRateHz, 2048, 1024, 3, spectrum.ToArray(), envelope);
    }

    /// <summary>
    /// Band demodulated by the envelope analysis, normally ±1 kHz or so around the housing
    /// resonance the bearing impacts ring; <see langword="null"/> demodulates the whole band,
    /// which works when the resonance dominates but lets strong low-frequency vibration into the envelope.
    /// </summary>
    public FrequencyBand? DemodulationBand { get; init; }

    /// <summary>Features per channel: the time-domain statistics, then spectrum bands, then envelope bands.</summary>
    public int FeaturesPerChannel => TimeDomainStatistics.Count + SpectrumBands.Length + EnvelopeBands.Length;

    /// <summary>Features per window, channel-major.</summary>
    public int FeatureCount => FeaturesPerChannel * ChannelCount;
}
