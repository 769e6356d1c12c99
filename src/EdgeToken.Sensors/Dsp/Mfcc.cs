namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Mel-frequency cepstral coefficients of one frame: Hann window, real FFT, power spectrum,
/// log-mel filterbank, DCT-II. All stages are precomputed plans with owned buffers.
/// </summary>
public sealed class Mfcc
{
    private readonly Window _window;
    private readonly RealFft _fft;
    private readonly MelFilterbank _mel;
    private readonly Dct2 _dct;
    private readonly float[] _frame;
    private readonly float[] _re;
    private readonly float[] _im;
    private readonly float[] _power;
    private readonly float[] _logMel;

    /// <summary>Creates an MFCC plan.</summary>
    /// <param name="frameLength">Samples per frame (even).</param>
    /// <param name="sampleRateHz">Sample rate.</param>
    /// <param name="melCount">Number of mel filters (typically 26-40).</param>
    /// <param name="coefficientCount">Cepstral coefficients kept (typically 13).</param>
    /// <param name="lowHz">Lowest filter edge.</param>
    /// <param name="highHz">Highest filter edge; at most Nyquist.</param>
    public Mfcc(int frameLength, double sampleRateHz, int melCount, int coefficientCount, double lowHz, double highHz)
    {
        _window = new Window(WindowKind.Hann, frameLength);
        _fft = new RealFft(frameLength);
        _mel = new MelFilterbank(melCount, frameLength, sampleRateHz, lowHz, highHz);
        _dct = new Dct2(melCount, coefficientCount);
        _frame = new float[frameLength];
        _re = new float[_fft.BinCount];
        _im = new float[_fft.BinCount];
        _power = new float[_fft.BinCount];
        _logMel = new float[melCount];
    }

    /// <summary>Coefficients produced per frame.</summary>
    public int CoefficientCount => _dct.OutputCount;

    /// <summary>The filterbank (for inspection).</summary>
    public MelFilterbank Filterbank => _mel;

    /// <summary>Log-mel energies of the most recent frame.</summary>
    public ReadOnlySpan<float> LastLogMel => _logMel;

    /// <summary>Computes the MFCCs of <paramref name="frame"/>.</summary>
    public void Compute(ReadOnlySpan<float> frame, Span<float> coefficients)
    {
        _window.Apply(frame, _frame);
        _fft.Forward(_frame, _re, _im);
        Spectrum.Power(_re, _im, _power);
        _mel.ApplyLog(_power, _logMel);
        _dct.Transform(_logMel, coefficients);
    }
}
