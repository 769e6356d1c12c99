using EdgeToken.Compiler.Generation;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;

namespace EdgeToken.Generators.Tests;

/// <summary>The preprocessing chain's diagnostics (ET0016-ET0019; ET0015 is the accuracy budget's): the id, the
/// place in the manifest and what the message tells the user to do.</summary>
public sealed class PreprocessDiagnosticTests
{
    private static ManifestDiagnostic Single(string chain, OnnxModelBuilder? model = null, Func<string, string>? edit = null)
    {
        string json = DspChains.Manifest(DspChains.Spectrum with { Json = chain });
        string path = TestPipelines.WriteProject(model ?? DspChains.PassThrough(1, 4, 2), (edit ?? (s => s))(json), file: "features.edgemodel.json");
        var result = ManifestCompiler.Compile(path);
        Assert.False(result.Succeeded);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(path, d.Path);
        return d;
    }

    private static (int, int) At(ManifestDiagnostic d) => (d.Line, d.Column);

    [Fact]
    public void ET0016_chain_output_that_does_not_fit_the_model_input_shows_the_sizes()
    {
        var d = Single(DspChains.Spectrum.Json, DspChains.PassThrough(1, 5, 2));
        Assert.Equal("ET0016", d.Id);
        Assert.Equal((6, 3), At(d));
        Assert.Contains("2 channel(s) x 4 values = 8 (window 256 -> detrend 256 -> window 256 -> powerSpectrum 129 -> bandEnergies 4)", d.Message);
        Assert.Contains("should be [..., 4, 2], but 'x' is [1x5x2] (10 values)", d.Message);
        Assert.Matches(@"features\.edgemodel\.json\(6,3\): error ET0016: ", d.ToMsBuildFormat());
    }

    [Fact]
    public void ET0016_right_count_in_the_wrong_layout()
    {
        var d = Single(DspChains.Spectrum.Json, DspChains.PassThrough(1, 2, 4));
        Assert.Equal("ET0016", d.Id);
        Assert.Contains("'input.layout'", d.Message);
    }

    [Fact]
    public void ET0016_is_reported_again_by_the_generator_at_the_same_place()
    {
        string path = TestPipelines.WriteProject(DspChains.PassThrough(1, 5, 2), DspChains.Manifest(DspChains.Spectrum), file: "features.edgemodel.json");
        var result = ManifestCompiler.Compile(path);
        var (_, diagnostics, _) = TestPipelines.Run(TestPipelines.NewCompilation("class C {}"),
            TestPipelines.ManifestText(path), new InMemoryText("/obj/features.edgemodel.etgen", GenerationModelWriter.WriteErrors(path, result.Diagnostics)));
        var d = Assert.Single(diagnostics);
        Assert.Equal("ET0016", d.Id);
        Assert.Equal(DiagnosticDescriptors.HelpBase + "ET0016.md", d.Descriptor.HelpLinkUri);
        var span = d.Location.GetLineSpan();
        Assert.Equal((5, 2), (span.StartLinePosition.Line, span.StartLinePosition.Character));
    }

    [Theory]
    [InlineData("""[ { "op": "fourier" } ]""", "'preprocess[0].op' is \"fourier\", which is not a preprocessing operator; the operators are")]
    [InlineData("""[ { "op": "powerspectrum" } ]""", "(did you mean \"powerSpectrum\"?)")]
    public void ET0017_unknown_op_lists_the_operators(string chain, string message)
    {
        var d = Single(chain);
        Assert.Equal("ET0017", d.Id);
        Assert.Equal((6, 27), At(d));
        Assert.Contains(message, d.Message);
    }

    [Theory]
    [InlineData("""[ { "op": "window", "kind": "hanning" } ]""", "use one of \"hann\", \"hamming\", \"blackman\", \"rectangular\"")]
    [InlineData("""[ { "op": "powerSpectrum" }, { "op": "bandEnergies", "bands": [[4000, 6000]] } ]""", "starts at or above Nyquist (4000 Hz")]
    [InlineData("""[ { "op": "powerSpectrum" }, { "op": "bandEnergies", "bands": [[100, 110]] } ]""", "holds no FFT bin (bins are 31.25 Hz apart")]
    [InlineData("""[ { "op": "powerSpectrum" }, { "op": "bandEnergies", "bands": [[500, 100]] } ]""", "a band needs 0 <= lowHz < highHz")]
    [InlineData("""[ { "op": "powerSpectrum" }, { "op": "logMel", "bins": 20, "highHz": 6000 } ]""", "end at or below Nyquist (4000 Hz")]
    [InlineData("""[ { "op": "mfcc", "bins": 10, "coefficients": 13 } ]""", "gives at most 10 coefficients")]
    [InlineData("""[ { "op": "stats", "features": ["rms", "variance"] } ]""", "holds \"variance\"; the statistics are")]
    [InlineData("""[ { "op": "envelopeSpectrum", "demodulate": [3000, 5000] } ]""", "must lie below Nyquist")]
    [InlineData("""[ { "op": "bearingFrontEnd" } ]""", "envelopeBands[4] [100, 125] Hz holds no FFT bin")]
    [InlineData("""[ { "op": "stats", "features": ["rms", "kurtosis"] }, { "op": "standardize", "mean": [1, 2, 3], "std": 1 } ]""", "mean has 3 values; here each of the 2 channel(s) has 2, so give 1, 2 (one per channel) or 4 (one per model input, in its order)")]
    [InlineData("""[ { "op": "detrend" }, { "op": "standardize", "mean": [1, 2, 3], "std": 1 }, { "op": "powerSpectrum" } ]""", "only a standardize at the end of the chain can have")]
    public void ET0018_parameter_out_of_range_says_which_and_why(string chain, string message)
    {
        var d = Single(chain);
        Assert.Equal("ET0018", d.Id);
        Assert.Equal(6, d.Line);
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void ET0018_an_fft_of_an_odd_window()
    {
        var d = Single("""[ { "op": "powerSpectrum" } ]""", edit: s => s.Replace("\"window\": 256", "\"window\": 255"));
        Assert.Equal("ET0018", d.Id);
        Assert.Equal((6, 19), At(d));
        Assert.Contains("takes an even number of samples; 'input.window' is 255", d.Message);
    }

    [Theory]
    [InlineData("""[ { "op": "bandEnergies", "bands": [[0, 100]] } ]""", "takes a spectrum but gets samples; put \"powerSpectrum\"")]
    [InlineData("""[ { "op": "powerSpectrum" }, { "op": "window", "kind": "hann" } ]""", "takes samples but gets a spectrum from \"powerSpectrum\"; it works on samples, so put it before the FFT")]
    [InlineData("""[ { "op": "stats", "features": ["rms"] }, { "op": "detrend" } ]""", "only \"scale\" or \"standardize\" may follow features")]
    [InlineData("""[ { "op": "detrend" }, { "op": "bearingFrontEnd" } ]""", "must be the first step after any scaling")]
    [InlineData("""[ { "op": "stats", "features": ["rms"] }, { "op": "scale", "factor": 2 }, { "op": "detrend" } ]""", "preprocess[2] (detrend) follows \"stats\", which gives features")]
    [InlineData("""[ { "op": "powerSpectrum" }, { "op": "scale", "factor": 2 }, { "op": "mfcc", "coefficients": 13 } ]""", "takes samples but gets a spectrum from \"powerSpectrum\"")]
    [InlineData("""[ { "op": "fft" }, { "op": "scale", "factor": 2 } ]""", "scales complex FFT bins")]
    [InlineData("""[ { "op": "magnitude" } ]""", "takes complex FFT bins but gets samples")]
    public void ET0019_step_that_cannot_take_its_input_says_how_to_reorder(string chain, string message)
    {
        var d = Single(chain);
        Assert.Equal("ET0019", d.Id);
        Assert.Equal(6, d.Line);
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void Without_dsp_steps_standardize_takes_one_value_or_one_per_channel()
    {
        var d = Single("""[ { "op": "standardize", "mean": [1, 2, 3], "std": 1 } ]""");
        Assert.Equal("ET0003", d.Id);
        Assert.Contains("has 3 values but the input has 2 channels", d.Message);
    }

    [Fact]
    public void Affine_only_chains_keep_the_folded_fast_path()
    {
        string path = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest);
        var c = TestPipelines.Compile(path);
        Assert.False(c.Chain.HasDsp);
        Assert.DoesNotContain("\nchain\t", GenerationModelWriter.Write(c));
    }
}
