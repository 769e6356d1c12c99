namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Envelope spectrum, the classic bearing-fault detector: the repetition rate of the impacts a
/// defect produces shows up as a line at the fault frequency (BPFO, BPFI, BSF, FTF) in the
/// spectrum of the signal's envelope, even when the raw spectrum is dominated by the structural
/// resonance those impacts excite.
/// </summary>
/// <remarks>
/// Steps: envelope (<see cref="AnalyticEnvelope"/>), mean removal (the envelope's DC is the
/// overall vibration level and would otherwise swamp the low bins), Hann window, real FFT,
/// single-sided amplitude scaled by 2/(N·coherent gain) so a line reads as the envelope's
/// modulation amplitude. Band-pass filtering around the resonance before the envelope
/// improves the signal-to-noise ratio and is left to the caller (e.g. a spectral mask).
/// </remarks>
public sealed class EnvelopeSpectrum
{
    private readonly AnalyticEnvelope _envelope;
    private readonly Window _window;
    private readonly RealFft _fft;
    private readonly float[] _buffer;
    private readonly float[] _re;
    private readonly float[] _im;
    private readonly float _scale;

    /// <summary>Creates an envelope-spectrum plan for blocks of <paramref name="length"/> samples, demodulating the whole band.</summary>
    public EnvelopeSpectrum(int length)
        : this(new AnalyticEnvelope(length))
    {
    }

    /// <summary>
    /// Creates an envelope-spectrum plan that demodulates only <paramref name="demodulationBand"/>
    /// (e.g. ±1 kHz around the housing resonance) of a signal sampled at <paramref name="sampleRateHz"/>.
    /// </summary>
    public EnvelopeSpectrum(int length, double sampleRateHz, FrequencyBand demodulationBand)
        : this(new AnalyticEnvelope(
            length,
            Math.Clamp((int)Math.Ceiling(demodulationBand.LowHz * length / sampleRateHz), 0, length / 2),
            Math.Clamp((int)Math.Floor(demodulationBand.HighHz * length / sampleRateHz), 0, length / 2)))
    {
    }

    private EnvelopeSpectrum(AnalyticEnvelope envelope)
    {
        int length = envelope.Length;
        _envelope = envelope;
        _window = new Window(WindowKind.Hann, length);
        _fft = new RealFft(length);
        _buffer = new float[length];
        _re = new float[_fft.BinCount];
        _im = new float[_fft.BinCount];
        _scale = (float)(2.0 / (length * _window.CoherentGain));
    }

    /// <summary>Block length.</summary>
    public int Length => _fft.Length;

    /// <summary>Output bins, N/2 + 1; bin k is at k·fs/N hertz.</summary>
    public int BinCount => _fft.BinCount;

    /// <summary>Writes the envelope's amplitude spectrum of <paramref name="source"/> (<see cref="BinCount"/> bins).</summary>
    public void Compute(ReadOnlySpan<float> source, Span<float> amplitude)
    {
        if (amplitude.Length < BinCount)
        {
            throw new ArgumentException($"Envelope spectrum has {BinCount} bins; destination has {amplitude.Length}.", nameof(amplitude));
        }

        _envelope.Compute(source, _buffer);
        MeanRemoval.Apply(_buffer, _buffer);
        _window.Apply(_buffer, _buffer);
        _fft.Forward(_buffer, _re, _im);
        Span<float> output = amplitude[..BinCount];
        Spectrum.Magnitude(_re, _im, output);
        System.Numerics.Tensors.TensorPrimitives.Multiply(output, _scale, output);
    }
}
