using System.Numerics.Tensors;
using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.FrontEnd;

/// <summary>
/// Streaming bearing-monitoring feature extractor. For every window of
/// <see cref="BearingFrontEndOptions.WindowLength"/> samples, advancing by
/// <see cref="BearingFrontEndOptions.Hop"/>, and for each channel: linear detrend,
/// time-domain statistics, Hann window + real FFT + power band energies, and envelope
/// spectrum band energies. The feature vector goes into a caller span; nothing is allocated
/// per window.
/// </summary>
/// <remarks>
/// <para>
/// Layout per channel (channel-major): RMS, peak, peak-to-peak, crest factor, kurtosis,
/// skewness; then the spectrum bands; then the envelope bands. Spectrum band values are scaled
/// so that all bands together add up to the mean square of the detrended window (Parseval,
/// corrected for the Hann window's energy gain); envelope bands sum squared envelope amplitudes.
/// </para>
/// <para>
/// Each channel keeps the last window of samples in a linear buffer that slides by one hop per
/// window (a 4 KB memmove at the default sizes, cheaper than the index arithmetic of a circular
/// buffer in every DSP step).
/// </para>
/// </remarks>
public sealed class BearingFrontEnd
{
    private readonly BearingFrontEndOptions _options;
    private readonly float[][] _history;
    private readonly LinearDetrend _detrend;
    private readonly Window _hann;
    private readonly RealFft _fft;
    private readonly EnvelopeSpectrum _envelope;
    private readonly BandEnergies _spectrumBands;
    private readonly BandEnergies _envelopeBands;
    private readonly float[] _detrended;
    private readonly float[] _windowed;
    private readonly float[] _re;
    private readonly float[] _im;
    private readonly float[] _power;
    private readonly float _powerScale;
    private int _filled;

    /// <summary>Creates a front end; all plans and buffers are allocated here.</summary>
    public BearingFrontEnd(BearingFrontEndOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Hop < 1 || options.Hop > options.WindowLength)
        {
            throw new ArgumentException($"Hop {options.Hop} must be between 1 and the window length {options.WindowLength}.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChannelCount, 1);
        _options = options;
        int n = options.WindowLength;
        _history = new float[options.ChannelCount][];
        for (int c = 0; c < _history.Length; c++)
        {
            _history[c] = new float[n];
        }

        _detrend = new LinearDetrend(n);
        _hann = new Window(WindowKind.Hann, n);
        _fft = new RealFft(n);
        _envelope = options.DemodulationBand is { } band
            ? new EnvelopeSpectrum(n, options.SampleRateHz, band)
            : new EnvelopeSpectrum(n);
        double binHz = options.SampleRateHz / n;
        _spectrumBands = new BandEnergies(options.SpectrumBands, _fft.BinCount, binHz);
        _envelopeBands = new BandEnergies(options.EnvelopeBands, _fft.BinCount, binHz);
        _detrended = new float[n];
        _windowed = new float[n];
        _re = new float[_fft.BinCount];
        _im = new float[_fft.BinCount];
        _power = new float[_fft.BinCount];
        _powerScale = (float)(2.0 / ((double)n * n * _hann.EnergyGain));
    }

    /// <summary>The configuration.</summary>
    public BearingFrontEndOptions Options => _options;

    /// <summary>Length of one feature vector.</summary>
    public int FeatureCount => _options.FeatureCount;

    /// <summary>Windows produced since construction.</summary>
    public long WindowCount { get; private set; }

    /// <summary>
    /// Feeds interleaved samples and writes one feature vector per completed window into
    /// <paramref name="features"/> (consecutively). Stops early, without losing input, when
    /// <paramref name="features"/> has no room for another vector; call again with the rest.
    /// </summary>
    public FrontEndProgress Process(ReadOnlySpan<float> interleaved, Span<float> features)
    {
        int channels = _options.ChannelCount;
        if (interleaved.Length % channels != 0)
        {
            throw new ArgumentException($"Input of {interleaved.Length} values is not a whole number of {channels}-channel instants.", nameof(interleaved));
        }

        int instants = interleaved.Length / channels;
        int n = _options.WindowLength;
        int consumed = 0;
        int written = 0;
        while (consumed < instants)
        {
            if (_filled == n)
            {
                if ((written + 1) * FeatureCount > features.Length)
                {
                    break;
                }

                ComputeWindow(features.Slice(written * FeatureCount, FeatureCount));
                written++;
                Slide();
            }

            int take = Math.Min(n - _filled, instants - consumed);
            for (int c = 0; c < channels; c++)
            {
                float[] history = _history[c];
                for (int i = 0; i < take; i++)
                {
                    history[_filled + i] = interleaved[((consumed + i) * channels) + c];
                }
            }

            _filled += take;
            consumed += take;
        }

        // A window completed by the last samples is emitted now rather than on the next call.
        if (_filled == n && (written + 1) * FeatureCount <= features.Length)
        {
            ComputeWindow(features.Slice(written * FeatureCount, FeatureCount));
            written++;
            Slide();
        }

        return new FrontEndProgress(consumed, written);
    }

    private void Slide()
    {
        int hop = _options.Hop;
        foreach (float[] history in _history)
        {
            history.AsSpan(hop).CopyTo(history);
        }

        _filled -= hop;
    }

    private void ComputeWindow(Span<float> features)
    {
        int perChannel = _options.FeaturesPerChannel;
        int bands = _spectrumBands.BandCount;
        for (int c = 0; c < _history.Length; c++)
        {
            Span<float> output = features.Slice(c * perChannel, perChannel);
            _detrend.Apply(_history[c], _detrended);
            TimeDomainStatistics.Compute(_detrended).CopyTo(output);

            _hann.Apply(_detrended, _windowed);
            _fft.Forward(_windowed, _re, _im);
            Spectrum.Power(_re, _im, _power);
            TensorPrimitives.Multiply(_power, _powerScale, _power);
            _spectrumBands.Compute(_power, output.Slice(TimeDomainStatistics.Count, bands));

            _envelope.Compute(_detrended, _power);
            TensorPrimitives.Multiply(_power, _power, _power);
            _envelopeBands.Compute(_power, output[(TimeDomainStatistics.Count + bands)..]);
        }

        WindowCount++;
    }
}
