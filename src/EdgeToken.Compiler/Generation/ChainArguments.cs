using System.Globalization;
using EdgeToken.Compiler.Manifests;

namespace EdgeToken.Compiler.Generation;

/// <summary>The parameters of one DSP stage as the generation model carries them: <c>key=value</c> pairs joined by
/// ';', lists by ',', ranges as <c>low:high</c>; numbers in round-trip form. Everything is resolved here (FFT length,
/// bin spacing, the mel range's default, the front end's default bands), so the generator only copies values into
/// the constructors of EdgeToken.Sensors it emits.</summary>
internal static class ChainArguments
{
    public static string Of(ChainStage stage, SensorInput input)
    {
        string rate = D(input.SampleRate);
        string n = stage.FftLength.ToString(CultureInfo.InvariantCulture);
        return stage.Step switch
        {
            WindowStep w => $"kind={char.ToUpperInvariant(w.Kind[0])}{w.Kind[1..]}",
            FftStep => $"n={stage.InputLength}",
            SpectrumStep s => s.TakesSamples ? $"n={stage.InputLength}" : "",
            BandEnergiesStep b => $"bins={stage.FftLength / 2 + 1};binHz={D(input.SampleRate / stage.FftLength)};bands={Ranges(b.Bands)}",
            EnvelopeSpectrumStep e => $"n={n};rate={rate}" + (e.Demodulate is HertzRange d ? $";demodulate={Ranges([d])}" : ""),
            StatsStep s => $"features={string.Join(',', s.Features.Select(f => StatsStep.Known[f]))}",
            LogMelStep m => $"bins={m.Bins};n={n};rate={rate};low={D(m.LowHz)};high={D(m.HighHz!.Value)}",
            MfccStep m => $"n={n};rate={rate};bins={m.Bins};coefficients={m.Coefficients};low={D(m.LowHz)};high={D(m.HighHz!.Value)}",
            BearingFrontEndStep f => $"n={n};rate={rate};spectrum={Ranges(f.SpectrumBands!)};envelope={Ranges(f.EnvelopeBands!)}"
                + (f.Demodulate is HertzRange d ? $";demodulate={Ranges([d])}" : ""),
            StandardizerStep z => $"mean={string.Join(',', z.Mean.SelectMany(m => m).Select(F))};std={string.Join(',', z.Std.SelectMany(m => m).Select(F))}",
            AffineStep a => $"scale={string.Join(',', a.Scale.Select(F))};offset={string.Join(',', a.Offset.Select(F))}",
            _ => "",
        };
    }

    private static string Ranges(IEnumerable<HertzRange> ranges) => string.Join(',', ranges.Select(r => $"{D(r.Low)}:{D(r.High)}"));

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}
