namespace EdgeToken.Compiler.Manifests;

// The DSP stages of the preprocessing chain (docs/manifest.md, "The preprocessing chain"). Each maps to one
// EdgeToken.Sensors operation that the generated pipeline calls per channel; PreprocessChain works out what
// each stage takes and gives, and the sizes.

/// <summary>A frequency range in hertz, [Low, High).</summary>
public readonly record struct HertzRange(double Low, double High);

/// <summary>x - mean(x) over the window (EdgeToken.Sensors.Dsp.MeanRemoval).</summary>
public sealed record RemoveMeanStep() : PreprocessStep("removeMean");

/// <summary>Removes the least-squares line (EdgeToken.Sensors.Dsp.LinearDetrend).</summary>
public sealed record DetrendStep() : PreprocessStep("detrend");

/// <summary>Multiplies by a window function: "hann", "hamming", "blackman" or "rectangular" (EdgeToken.Sensors.Dsp.Window).</summary>
public sealed record WindowStep(string Kind) : PreprocessStep("window");

/// <summary>Real FFT (EdgeToken.Sensors.Dsp.RealFft): N samples to N/2+1 complex bins.</summary>
public sealed record FftStep() : PreprocessStep("fft");

/// <summary>|X| or |X|² of the bins: "magnitude" and "power" take the bins of an "fft"; "magnitudeSpectrum" and
/// "powerSpectrum" take samples and do the FFT themselves (EdgeToken.Sensors.Dsp.Spectrum).</summary>
public sealed record SpectrumStep(string Kind) : PreprocessStep(Kind)
{
    public bool Power => Kind is "power" or "powerSpectrum";
    public bool TakesSamples => Kind is "magnitudeSpectrum" or "powerSpectrum";
}

/// <summary>Sums of a spectrum over frequency bands (EdgeToken.Sensors.Dsp.BandEnergies).</summary>
public sealed record BandEnergiesStep(HertzRange[] Bands) : PreprocessStep("bandEnergies");

/// <summary>Amplitude spectrum of the envelope, optionally demodulating one band (EdgeToken.Sensors.Dsp.EnvelopeSpectrum).</summary>
public sealed record EnvelopeSpectrumStep(HertzRange? Demodulate) : PreprocessStep("envelopeSpectrum");

/// <summary>Time-domain statistics in the order given (EdgeToken.Sensors.Dsp.TimeDomainStatistics).</summary>
public sealed record StatsStep(string[] Features) : PreprocessStep("stats")
{
    /// <summary>The statistics a "stats" step can name, as TimeDomainStatistics calls them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Known = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["mean"] = "Mean",
        ["rms"] = "Rms",
        ["peak"] = "Peak",
        ["peakToPeak"] = "PeakToPeak",
        ["crestFactor"] = "CrestFactor",
        ["kurtosis"] = "Kurtosis",
        ["skewness"] = "Skewness",
    };
}

/// <summary>Log-mel energies of a power spectrum (EdgeToken.Sensors.Dsp.MelFilterbank); HighHz null means Nyquist.</summary>
public sealed record LogMelStep(int Bins, double LowHz, double? HighHz) : PreprocessStep("logMel");

/// <summary>MFCCs of the window: Hann, FFT, power, log-mel, DCT-II (EdgeToken.Sensors.Dsp.Mfcc).</summary>
public sealed record MfccStep(int Bins, int Coefficients, double LowHz, double? HighHz) : PreprocessStep("mfcc");

/// <summary>The bearing front end per channel: detrend, statistics, Hann power band energies, envelope band energies
/// (EdgeToken.Sensors.FrontEnd.BearingFrontEnd). Null bands take BearingFrontEndOptions.Default's.</summary>
public sealed record BearingFrontEndStep(HertzRange[]? SpectrumBands, HertzRange[]? EnvelopeBands, HertzRange? Demodulate) : PreprocessStep("bearingFrontEnd");
