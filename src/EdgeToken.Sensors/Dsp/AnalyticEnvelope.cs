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

    /// <summary>Creates an envelope plan for blocks of <paramref name="length"/> samples (even).</summary>
    public AnalyticEnvelope(int length)
    {
        _forward = new RealFft(length);
        _inverse = new ComplexFft(length);
        _re = new float[length];
        _im = new float[length];
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

        _re.AsSpan(half + 1).Clear();
        _im.AsSpan(half + 1).Clear();
        _inverse.Inverse(_re, _im);
        Spectrum.Magnitude(_re, _im, destination[..n]);
    }
}
