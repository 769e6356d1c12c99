namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Amplitude envelope |x + i·H{x}| of a real block, via the FFT Hilbert transform: the analytic
/// signal has the positive-frequency bins doubled, DC and Nyquist kept, negative bins zeroed.
/// </summary>
/// <remarks>
/// The forward transform is a <see cref="RealFft"/> (it yields exactly the non-negative bins the
/// analytic spectrum needs); the inverse is a full complex FFT. Both plans and buffers are owned,
/// so an envelope costs no allocation. Edge effects of the circular transform are confined to the
/// first and last few samples, which a Hann-weighted spectrum of the envelope suppresses anyway.
/// </remarks>
public sealed class AnalyticEnvelope
{
    private readonly RealFft _forward;
    private readonly ComplexFft _inverse;
    private readonly float[] _re;
    private readonly float[] _im;

    private readonly int _firstBin;
    private readonly int _lastBin;

    /// <summary>Creates an envelope plan for blocks of <paramref name="length"/> samples (even), over the whole band.</summary>
    public AnalyticEnvelope(int length)
        : this(length, 0, length / 2)
    {
    }

    /// <summary>
    /// Creates an envelope plan that keeps only bins <paramref name="firstBin"/>..<paramref name="lastBin"/>
    /// (the demodulation band, normally around the structural resonance the impacts excite).
    /// </summary>
    /// <remarks>
    /// Band-passing in the frequency domain costs nothing extra here (the bins are at hand) and
    /// keeps strong low-frequency shaft vibration out of the envelope, where it would otherwise
    /// beat with the resonance and bury the fault lines.
    /// </remarks>
    public AnalyticEnvelope(int length, int firstBin, int lastBin)
    {
        _forward = new RealFft(length);
        _inverse = new ComplexFft(length);
        _re = new float[length];
        _im = new float[length];
        if (firstBin < 0 || lastBin > length / 2 || firstBin > lastBin)
        {
            throw new ArgumentException($"Demodulation band bins {firstBin}..{lastBin} must lie within 0..{length / 2} and be increasing.");
        }

        _firstBin = firstBin;
        _lastBin = lastBin;
    }

    /// <summary>Block length.</summary>
    public int Length => _inverse.Length;

    /// <summary>Writes the envelope of <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public void Compute(ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = Length;
        int half = n / 2;
        if (source.Length != n || destination.Length < n)
        {
            throw new ArgumentException($"Envelope plan is for {n} samples; got source {source.Length}, destination {destination.Length}.");
        }

        _forward.Forward(source, _re.AsSpan(0, half + 1), _im.AsSpan(0, half + 1));
        for (int k = 1; k < half; k++)
        {
            _re[k] *= 2f;
            _im[k] *= 2f;
        }

        _re.AsSpan(0, _firstBin).Clear();
        _im.AsSpan(0, _firstBin).Clear();
        _re.AsSpan(_lastBin + 1).Clear();
        _im.AsSpan(_lastBin + 1).Clear();
        _inverse.Inverse(_re, _im);
        Spectrum.Magnitude(_re, _im, destination[..n]);
    }
}
