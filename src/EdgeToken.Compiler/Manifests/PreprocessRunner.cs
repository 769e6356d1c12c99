using EdgeToken.Sensors.Dsp;
using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Compiler.Manifests;

/// <summary>
/// The manifest's front end run at build time: one window of raw interleaved frames in, the model's input tensor out,
/// with the same EdgeToken.Sensors calls, in the same order and with the same parameters, as the generated class's
/// <c>Preprocess</c>/<c>RunChain</c> (EdgeModelGenerator.Emitter.Dsp), so a recording turns into exactly the inputs the
/// device will give the model. Calibration and validation read recordings through it (<see cref="RecordingWindows"/>).
/// </summary>
/// <remarks>A tested twin of generated code: <c>GeneratedChainTwinTests</c> checks, for every chain the generator
/// tests cover, that its output equals the generated class's model input bit for bit.</remarks>
public sealed class PreprocessRunner
{
    private readonly PreprocessChain _chain;
    private readonly Stage[] _stages;
    private readonly float[] _signal;

    public PreprocessRunner(PreprocessChain chain)
    {
        _chain = chain;
        _stages = [.. chain.Stages.Select(s => new Stage(s, chain.Input))];
        _signal = new float[chain.Input.Window];
    }

    /// <summary>Values of one window's model input.</summary>
    public int OutputLength => _chain.OutputLength;

    /// <summary>Frames × channels raw values one window takes.</summary>
    public int InputLength => _chain.Input.Window * _chain.Input.Channels;

    /// <summary>Runs one window: <paramref name="frames"/> holds <see cref="InputLength"/> raw values, channels
    /// interleaved; <paramref name="modelInput"/> receives <see cref="OutputLength"/> values in the input's layout.</summary>
    public void Run(ReadOnlySpan<float> frames, Span<float> modelInput)
    {
        var input = _chain.Input;
        if (frames.Length != InputLength || modelInput.Length != OutputLength)
            throw new ArgumentException($"a window is {InputLength} raw values in and {OutputLength} model inputs out, got {frames.Length} and {modelInput.Length}");
        if (!_chain.HasDsp)
        {
            _chain.Leading.Apply(frames, modelInput, input.Window, input.Layout);
            return;
        }
        int channels = input.Channels, window = input.Window;
        bool rows = input.Layout == InputLayout.ChannelsFirst || channels == 1;
        int perChannel = _chain.LengthPerChannel;
        for (int c = 0; c < channels; c++)
        {
            for (int t = 0; t < window; t++) _signal[t] = frames[t * channels + c] * _chain.Leading.Scale[c] + _chain.Leading.Offset[c];
            Span<float> x = _signal;
            Stage? bins = null;
            foreach (var stage in _stages) x = stage.Run(x, c, ref bins);
            if (bins is not null)
            {
                // Complex bins at the end: the real parts, then the imaginary parts.
                int n = perChannel / 2;
                for (int k = 0; k < n; k++)
                {
                    modelInput[rows ? c * perChannel + k : k * channels + c] = bins.Real[k];
                    modelInput[rows ? c * perChannel + n + k : (n + k) * channels + c] = bins.Imaginary[k];
                }
                continue;
            }
            for (int k = 0; k < perChannel; k++) modelInput[rows ? c * perChannel + k : k * channels + c] = x[k];
        }
    }

    /// <summary>One resolved stage with its EdgeToken.Sensors plan and buffers, built once.</summary>
    private sealed class Stage
    {
        private readonly ChainStage _stage;
        private readonly float[] _output;
        private readonly object? _plan;
        private readonly Standardizer[]? _standardizers;

        public Stage(ChainStage stage, SensorInput input)
        {
            _stage = stage;
            int n = stage.FftLength;
            double rate = input.SampleRate;
            _output = new float[stage.OutputLength];
            Real = new float[stage.InputLength / 2 + 1];
            Imaginary = new float[stage.InputLength / 2 + 1];
            static FrequencyBand Band(HertzRange r) => new(r.Low, r.High);
            _plan = stage.Step switch
            {
                DetrendStep => new LinearDetrend(stage.InputLength),
                WindowStep w => new Window(Enum.Parse<WindowKind>(w.Kind, ignoreCase: true), stage.InputLength),
                FftStep => new RealFft(stage.InputLength),
                SpectrumStep { TakesSamples: true } => new RealFft(stage.InputLength),
                BandEnergiesStep b => new BandEnergies([.. b.Bands.Select(Band)], n / 2 + 1, rate / n),
                EnvelopeSpectrumStep { Demodulate: { } d } => new EnvelopeSpectrum(n, rate, Band(d)),
                EnvelopeSpectrumStep => new EnvelopeSpectrum(n),
                LogMelStep m => new MelFilterbank(m.Bins, n, rate, m.LowHz, m.HighHz!.Value),
                MfccStep m => new Mfcc(n, rate, m.Bins, m.Coefficients, m.LowHz, m.HighHz!.Value),
                BearingFrontEndStep f => new BearingFrontEnd(new BearingFrontEndOptions(rate, n, n, 1, [.. f.SpectrumBands!.Select(Band)], [.. f.EnvelopeBands!.Select(Band)])
                    { DemodulationBand = f.Demodulate is { } d ? Band(d) : null }),
                _ => null,
            };
            if (stage.Step is StandardizerStep z)
                _standardizers = [.. z.Mean.Select((mean, c) => new Standardizer(mean, z.Std[c]))];
        }

        /// <summary>This stage's FFT bins, when it computes them.</summary>
        public float[] Real { get; }
        public float[] Imaginary { get; }

        /// <summary>Runs the stage on channel <paramref name="c"/>'s signal; returns the signal after it. A stage whose
        /// output is complex bins sets <paramref name="bins"/> (the signal span is then meaningless), and a stage that
        /// reads bins takes them from there.</summary>
        public Span<float> Run(Span<float> x, int c, scoped ref Stage? bins)
        {
            // Like the generated code: the scalings, windows and detrending work in place on the signal.
            switch (_stage.Step)
            {
                case AffineStep a:
                    ScaleOffset.Apply(x, a.Scale[c], a.Offset[c], x);
                    return x;
                case StandardizerStep:
                    _standardizers![c].Apply(x, x);
                    return x;
                case RemoveMeanStep:
                    MeanRemoval.Apply(x, x);
                    return x;
                case DetrendStep:
                    ((LinearDetrend)_plan!).Apply(x, x);
                    return x;
                case WindowStep:
                    ((Window)_plan!).Apply(x, x);
                    return x;
                case FftStep:
                    ((RealFft)_plan!).Forward(x, Real, Imaginary);
                    bins = this;
                    return x;
                case SpectrumStep s:
                    var from = this;
                    if (s.TakesSamples) ((RealFft)_plan!).Forward(x, Real, Imaginary);
                    else from = bins!;
                    if (s.Power) Spectrum.Power(from.Real, from.Imaginary, _output);
                    else Spectrum.Magnitude(from.Real, from.Imaginary, _output);
                    break;
                case BandEnergiesStep:
                    ((BandEnergies)_plan!).Compute(x, _output);
                    break;
                case EnvelopeSpectrumStep:
                    if (_stage.Input == SignalKind.Bins) ((EnvelopeSpectrum)_plan!).ComputeFromSpectrum(bins!.Real, bins.Imaginary, _output);
                    else ((EnvelopeSpectrum)_plan!).Compute(x, _output);
                    break;
                case StatsStep st:
                    var statistics = TimeDomainStatistics.Compute(x);
                    for (int k = 0; k < st.Features.Length; k++) _output[k] = Statistic(statistics, StatsStep.Known[st.Features[k]]);
                    break;
                case LogMelStep:
                    ((MelFilterbank)_plan!).ApplyLog(x, _output);
                    break;
                case MfccStep:
                    ((Mfcc)_plan!).Compute(x, _output);
                    break;
                case BearingFrontEndStep:
                    ((BearingFrontEnd)_plan!).Process(x, _output);
                    break;
                default:
                    throw new InvalidOperationException($"preprocess stage '{_stage.Step.Op}' has no build-time runner");
            }
            bins = null;
            return _output;
        }

        private static float Statistic(TimeDomainStatistics s, string name) => name switch
        {
            "Mean" => s.Mean,
            "Rms" => s.Rms,
            "Peak" => s.Peak,
            "PeakToPeak" => s.PeakToPeak,
            "CrestFactor" => s.CrestFactor,
            "Kurtosis" => s.Kurtosis,
            "Skewness" => s.Skewness,
            _ => throw new InvalidOperationException($"statistic '{name}' has no build-time runner"),
        };
    }
}
