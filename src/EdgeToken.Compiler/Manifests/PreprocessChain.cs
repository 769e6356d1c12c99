using EdgeToken.Sensors.Dsp;
using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Compiler.Manifests;

/// <summary>What flows between two stages of the chain, per channel.</summary>
public enum SignalKind
{
    /// <summary>Samples in time order (the window).</summary>
    Samples,
    /// <summary>N/2+1 complex FFT bins (held as real and imaginary parts).</summary>
    Bins,
    /// <summary>N/2+1 real values per frequency: a magnitude, power or envelope spectrum.</summary>
    Spectrum,
    /// <summary>A feature vector (band energies, statistics, mel energies, coefficients): only scaling may follow.</summary>
    Features,
}

/// <summary>Consecutive affine steps between DSP steps, folded per channel: x * Scale[c] + Offset[c].</summary>
public sealed record AffineStep(float[] Scale, float[] Offset) : PreprocessStep("affine")
{
    public override bool IsAffine => true;
}

/// <summary>A standardize with one value per model input, resolved per channel (channel c's means and standard
/// deviations, in its own value order): EdgeToken.Sensors.Dsp.Standardizer, one per channel.</summary>
public sealed record StandardizerStep(float[][] Mean, float[][] Std) : PreprocessStep("standardizer")
{
    public override bool IsAffine => true;
}

/// <summary>One resolved stage: its step (defaults filled in: mel range, front-end bands), what it takes and gives
/// per channel, and the FFT length that frequencies refer to.</summary>
public sealed record ChainStage(PreprocessStep Step, SignalKind Input, int InputLength, SignalKind Output, int OutputLength, int FftLength);

/// <summary>
/// The preprocessing chain resolved against the input: the leading affine steps folded into the input scaling
/// (<see cref="Leading"/>), then the DSP stages with their sizes. A chain of affine steps only has no stages and
/// runs as the folded multiply-add alone (the fast path of the generated Preprocess).
/// </summary>
/// <remarks>Every size and parameter is checked here, at build time, with the same EdgeToken.Sensors constructors
/// the generated code calls: what they would refuse at run time is a diagnostic at the step instead.</remarks>
public sealed record PreprocessChain(SensorInput Input, PreprocessAffine Leading, IReadOnlyList<ChainStage> Stages)
{
    /// <summary>True when the chain holds DSP stages (the generated pipeline calls EdgeToken.Sensors).</summary>
    public bool HasDsp => Stages.Count > 0;

    /// <summary>Values per channel at the chain's end: the window, a spectrum's bins, or the features;
    /// complex bins at the end give their real parts then their imaginary parts.</summary>
    public int LengthPerChannel => Stages.Count == 0 ? Input.Window
        : Stages[^1].Output == SignalKind.Bins ? 2 * Stages[^1].OutputLength : Stages[^1].OutputLength;

    /// <summary>Values the model's input must hold.</summary>
    public int OutputLength => Input.Channels * LengthPerChannel;

    /// <summary>"window 1024 -> detrend 1024 -> powerSpectrum 513 -> bandEnergies 8", for messages.</summary>
    public string Describe() =>
        string.Join(" -> ", new[] { $"window {Input.Window}" }.Concat(Stages.Where(s => s.Step is not (AffineStep or StandardizerStep)).Select(s => $"{s.Step.Op} {s.OutputLength}")));

    /// <summary>Resolves a chain the parser accepted (<see cref="Check"/> found nothing).</summary>
    public static PreprocessChain Resolve(string path, SensorInput input, IReadOnlyList<PreprocessStep> steps)
    {
        var problems = new List<ManifestDiagnostic>();
        var chain = TryResolve(path, input, steps, problems);
        return chain ?? throw new InvalidOperationException(string.Join("; ", problems));
    }

    /// <summary>Checks the chain against the input; adds a diagnostic per problem and returns false if there are any.</summary>
    public static bool Check(string path, SensorInput input, IReadOnlyList<PreprocessStep> steps, List<ManifestDiagnostic> problems) =>
        TryResolve(path, input, steps, problems) is not null;

    private static PreprocessChain? TryResolve(string path, SensorInput input, IReadOnlyList<PreprocessStep> steps, List<ManifestDiagnostic> problems)
    {
        int leading = 0;
        while (leading < steps.Count && steps[leading].IsAffine) leading++;
        var affine = PreprocessAffine.Fold(input, steps.Take(leading).ToList());
        var stages = new List<ChainStage>();
        int before = problems.Count;
        var kind = SignalKind.Samples;
        int length = input.Window, fftLength = input.Window;
        double nyquist = input.SampleRate / 2;

        void Problem(string id, PreprocessStep step, string message) =>
            problems.Add(new ManifestDiagnostic(id, path, step.At.Line, step.At.Column, message));

        // The step a message names as the source of the signal: the last one that changed it, not a scaling.
        string LastOp() => stages.Last(s => s.Step is not (AffineStep or StandardizerStep)).Step.Op;

        for (int i = leading; i < steps.Count; i++)
        {
            var step = steps[i];
            string where = $"preprocess[{i}] ({step.Op})";
            if (step.IsAffine)
            {
                int end = i;
                while (end < steps.Count && steps[end].IsAffine && !(steps[end] is StandardizeStep p && p.IsPerValue(input.Channels))) end++;
                if (kind == SignalKind.Bins)
                {
                    Problem(ManifestDiagnosticIds.PreprocessOrder, step, $"{where} scales complex FFT bins; put \"magnitude\" or \"power\" before it, or scale the samples before the \"fft\"");
                    return null;
                }
                if (step is StandardizeStep z && z.IsPerValue(input.Channels))
                {
                    var standardizer = PerValue(z, i, length);
                    if (standardizer is null) return null;
                    stages.Add(new ChainStage(standardizer, kind, length, kind, length, fftLength));
                    continue;
                }
                var identity = input with { Scale = 1, Offset = 0 };
                var folded = PreprocessAffine.Fold(identity, steps.Skip(i).Take(end - i).ToList());
                stages.Add(new ChainStage(new AffineStep(folded.Scale, folded.Offset) { At = step.At }, kind, length, kind, length, fftLength));
                i = end - 1;
                continue;
            }

            if (kind == SignalKind.Features)
            {
                Problem(ManifestDiagnosticIds.PreprocessOrder, step, $"{where} follows \"{LastOp()}\", which gives features; only \"scale\" or \"standardize\" may follow features. Reorder the chain");
                return null;
            }

            StandardizerStep? PerValue(StandardizeStep z, int index, int perChannel)
            {
                int values = input.Channels * perChannel;
                string at = $"preprocess[{index}] (standardize)";
                if (!steps.Skip(index + 1).All(x => x.IsAffine))
                {
                    Problem(ManifestDiagnosticIds.InvalidPreprocessParameter, z, $"{at} has one value per model input, which only a standardize at the end of the chain can have; move it to the end or give one value per channel");
                    return null;
                }
                foreach (var (name, v) in new[] { ("mean", z.Mean), ("std", z.Std) })
                    if (v.Length != 1 && v.Length != input.Channels && v.Length != values)
                    {
                        Problem(ManifestDiagnosticIds.InvalidPreprocessParameter, z, $"{at}.{name} has {v.Length} values; here each of the {input.Channels} channel(s) has {perChannel}, so give 1, {input.Channels} (one per channel) or {values} (one per model input, in its order)");
                        return null;
                    }
                bool rows = input.Layout == InputLayout.ChannelsFirst || input.Channels == 1;
                float[][] Split(double[] v) => Enumerable.Range(0, input.Channels).Select(c => Enumerable.Range(0, perChannel)
                    .Select(k => (float)(v.Length == 1 ? v[0] : v.Length == input.Channels ? v[c] : v[rows ? c * perChannel + k : k * input.Channels + c])).ToArray()).ToArray();
                return new StandardizerStep(Split(z.Mean), Split(z.Std)) { At = z.At };
            }

            bool Needs(params SignalKind[] kinds)
            {
                if (kinds.Contains(kind)) return true;
                Problem(ManifestDiagnosticIds.PreprocessOrder, step,
                    $"{where} takes {string.Join(" or ", kinds.Select(Name))} but gets {Name(kind)}{(stages.Any(s => s.Step is not (AffineStep or StandardizerStep)) ? $" from \"{LastOp()}\"" : "")}; {Hint(step.Op)}");
                return false;
            }

            bool EvenLength()
            {
                if (length >= 2 && length % 2 == 0) return true;
                Problem(ManifestDiagnosticIds.InvalidPreprocessParameter, step,
                    $"{where} needs an FFT of the window, and the real FFT takes an even number of samples; 'input.window' is {length}. Use an even window such as {length + 1}");
                return false;
            }

            bool Build(Action construct)
            {
                try
                {
                    construct();
                    return true;
                }
                catch (ArgumentException e)
                {
                    Problem(ManifestDiagnosticIds.InvalidPreprocessParameter, step, $"{where}: {e.Message}");
                    return false;
                }
            }

            int bins = fftLength / 2 + 1;
            double binHz = input.SampleRate / fftLength;
            ChainStage? stage = null;
            switch (step)
            {
                case RemoveMeanStep or DetrendStep or WindowStep:
                    if (Needs(SignalKind.Samples)) stage = new ChainStage(step, kind, length, kind, length, fftLength);
                    break;
                case FftStep:
                    if (Needs(SignalKind.Samples) && EvenLength() && Build(() => _ = new RealFft(length)))
                        stage = new ChainStage(step, kind, length, SignalKind.Bins, length / 2 + 1, length);
                    break;
                case SpectrumStep s:
                    if (s.TakesSamples ? Needs(SignalKind.Samples) && EvenLength() && Build(() => _ = new RealFft(length)) : Needs(SignalKind.Bins))
                        stage = new ChainStage(step, kind, length, SignalKind.Spectrum, s.TakesSamples ? length / 2 + 1 : length, s.TakesSamples ? length : fftLength);
                    break;
                case BandEnergiesStep b:
                    if (Needs(SignalKind.Spectrum) && Bands(b.Bands, "bands") && Build(() => _ = new BandEnergies(Frequency(b.Bands), bins, binHz)))
                        stage = new ChainStage(step, kind, length, SignalKind.Features, b.Bands.Length, fftLength);
                    break;
                case EnvelopeSpectrumStep e:
                    if (Needs(SignalKind.Samples, SignalKind.Bins) && (kind == SignalKind.Bins || EvenLength()) && Demodulation(e.Demodulate, kind == SignalKind.Bins ? fftLength : length))
                    {
                        int n = kind == SignalKind.Bins ? fftLength : length;
                        stage = new ChainStage(step, kind, length, SignalKind.Spectrum, n / 2 + 1, n);
                    }
                    break;
                case StatsStep s:
                    if (Needs(SignalKind.Samples)) stage = new ChainStage(step, kind, length, SignalKind.Features, s.Features.Length, fftLength);
                    break;
                case LogMelStep m:
                {
                    var resolved = m with { HighHz = m.HighHz ?? nyquist };
                    if (Needs(SignalKind.Spectrum) && MelRange(resolved.LowHz, resolved.HighHz!.Value)
                        && Build(() => _ = new MelFilterbank(m.Bins, fftLength, input.SampleRate, resolved.LowHz, resolved.HighHz!.Value)))
                        stage = new ChainStage(resolved, kind, length, SignalKind.Features, m.Bins, fftLength);
                    break;
                }
                case MfccStep m:
                {
                    var resolved = m with { HighHz = m.HighHz ?? nyquist };
                    if (Needs(SignalKind.Samples) && EvenLength() && MelRange(resolved.LowHz, resolved.HighHz!.Value)
                        && Build(() => _ = new Mfcc(length, input.SampleRate, m.Bins, m.Coefficients, resolved.LowHz, resolved.HighHz!.Value)))
                        stage = new ChainStage(resolved, kind, length, SignalKind.Features, m.Coefficients, length);
                    break;
                }
                case BearingFrontEndStep f:
                {
                    if (stages.Count > 0)
                    {
                        Problem(ManifestDiagnosticIds.PreprocessOrder, step, $"{where} is a whole front end (it detrends, windows and transforms itself), so it must be the first step after any scaling; remove the steps before it");
                        break;
                    }
                    var defaults = BearingFrontEndOptions.Default(input.SampleRate);
                    var resolved = f with
                    {
                        SpectrumBands = f.SpectrumBands ?? defaults.SpectrumBands.Select(r => new HertzRange(r.LowHz, r.HighHz)).ToArray(),
                        EnvelopeBands = f.EnvelopeBands ?? defaults.EnvelopeBands.Select(r => new HertzRange(r.LowHz, r.HighHz)).ToArray(),
                    };
                    if (EvenLength() && Bands(resolved.SpectrumBands!, "spectrumBands") && Bands(resolved.EnvelopeBands!, "envelopeBands") && Demodulation(f.Demodulate, length)
                        && Build(() => _ = FrontEndOptions(resolved, input)))
                        stage = new ChainStage(resolved, kind, length, SignalKind.Features, TimeDomainStatistics.Count + resolved.SpectrumBands!.Length + resolved.EnvelopeBands!.Length, length);
                    break;
                }
                default:
                    Problem(ManifestDiagnosticIds.UnknownPreprocessOp, step, $"{where} has no implementation in this version");
                    break;
            }
            if (stage is null) return null;
            stages.Add(stage);
            kind = stage.Output;
            length = stage.OutputLength;
            fftLength = stage.FftLength;

            bool Bands(HertzRange[] bands, string field)
            {
                for (int b = 0; b < bands.Length; b++)
                {
                    int first = (int)Math.Ceiling(bands[b].Low / binHz), end = Math.Min(bins, (int)Math.Ceiling(bands[b].High / binHz));
                    if (bands[b].Low >= nyquist)
                    {
                        Problem(ManifestDiagnosticIds.InvalidPreprocessParameter, step, $"{where}.{field}[{b}] [{bands[b].Low}, {bands[b].High}] Hz starts at or above Nyquist ({nyquist} Hz at 'input.sampleRate' {input.SampleRate}); a spectrum has nothing there");
                        return false;
                    }
                    if (end <= first)
                    {
                        Problem(ManifestDiagnosticIds.InvalidPreprocessParameter, step, $"{where}.{field}[{b}] [{bands[b].Low}, {bands[b].High}] Hz holds no FFT bin (bins are {binHz:0.###} Hz apart for a {fftLength}-sample window); widen the band");
                        return false;
                    }
                }
                return true;
            }

            bool Demodulation(HertzRange? band, int n)
            {
                if (band is not HertzRange r) return true;
                double hz = input.SampleRate / n;
                if (r.High > nyquist || Math.Floor(r.High / hz) < Math.Ceiling(r.Low / hz))
                {
                    Problem(ManifestDiagnosticIds.InvalidPreprocessParameter, step, $"{where}.demodulate [{r.Low}, {r.High}] Hz must lie below Nyquist ({nyquist} Hz) and hold at least one FFT bin ({hz:0.###} Hz apart)");
                    return false;
                }
                return true;
            }

            bool MelRange(double low, double high)
            {
                if (high <= nyquist && low < high) return true;
                Problem(ManifestDiagnosticIds.InvalidPreprocessParameter, step, $"{where} mel range [{low}, {high}] Hz must be increasing and end at or below Nyquist ({nyquist} Hz at 'input.sampleRate' {input.SampleRate}); lower 'highHz'");
                return false;
            }
        }
        return problems.Count == before ? new PreprocessChain(input, affine, stages) : null;
    }

    /// <summary>The options the generated pipeline builds its per-channel front end with (one channel, hop = window:
    /// the pipeline hands it each channel's whole window).</summary>
    public static BearingFrontEndOptions FrontEndOptions(BearingFrontEndStep step, SensorInput input) =>
        new(input.SampleRate, input.Window, input.Window, 1, Frequency(step.SpectrumBands!), Frequency(step.EnvelopeBands!))
        {
            DemodulationBand = step.Demodulate is HertzRange d ? new FrequencyBand(d.Low, d.High) : null,
        };

    private static FrequencyBand[] Frequency(HertzRange[] bands) => bands.Select(b => new FrequencyBand(b.Low, b.High)).ToArray();

    private static string Name(SignalKind kind) => kind switch
    {
        SignalKind.Samples => "samples",
        SignalKind.Bins => "complex FFT bins",
        SignalKind.Spectrum => "a spectrum",
        _ => "features",
    };

    private static string Hint(string op) => op switch
    {
        "removeMean" or "detrend" or "window" => "it works on samples, so put it before the FFT",
        "fft" or "magnitudeSpectrum" or "powerSpectrum" => "it transforms samples; there is one FFT per chain",
        "magnitude" or "power" => "put an \"fft\" before it, or use \"magnitudeSpectrum\"/\"powerSpectrum\" on samples",
        "bandEnergies" => "put \"powerSpectrum\" (or \"fft\" then \"power\", or \"envelopeSpectrum\") before it",
        "logMel" => "put \"powerSpectrum\" before it",
        "envelopeSpectrum" or "stats" or "mfcc" => "it takes the window's samples; put it before any transform",
        _ => "reorder the chain",
    };
}
