using EdgeToken.Compiler.Manifests;
using EdgeToken.Sensors.Replay;

namespace EdgeToken.Generators.Tests;

/// <summary>The build-time twin of the generated front end: a recording windowed by <see cref="RecordingWindows"/> and
/// run through <see cref="PreprocessRunner"/> gives, bit for bit, the model inputs the generated class computes when
/// the same frames are pushed into it. Calibrating and validating on recordings then sees what the device will see.</summary>
public sealed class GeneratedChainTwinTests
{
    /// <summary>No DSP stage: only the input scaling, with a per-channel affine step folded into it.</summary>
    private static readonly DspChains.Case AffineOnly = new("affineOnly",
        """[ { "op": "scale", "factor": 2, "offset": 1 }, { "op": "standardize", "mean": [1, 2], "std": [3, 4] } ]""", DspChains.Window, (_, _, x) => x);

    /// <summary>The chains the generator's own tests cover, and the affine-only chain.</summary>
    public static TheoryData<string, bool> Chains()
    {
        var data = DspChainTests.Chains();
        data.Add(AffineOnly.Name, false);
        data.Add(AffineOnly.Name, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Chains))]
    public void A_recording_windowed_at_build_time_gives_the_generated_class_model_inputs(string name, bool channelsFirst)
    {
        var chain = name == AffineOnly.Name ? AffineOnly : DspChains.Named(name);
        var (harness, compilation, _) = DspChains.Build(DspChains.Manifest(chain, channelsFirst), DspChains.PassThrough(DspChains.Dims(chain, channelsFirst)));
        Assert.Equal(name != AffineOnly.Name, compilation.Chain.HasDsp);
        int frames = DspChains.Window + DspChains.Hop * 5 + 17; // a tail shorter than a hop makes no window
        var samples = DspChains.Raw(frames, 23);
        string wav = Path.Combine(TestPipelines.TempDir(), "recording.wav");
        using (var sink = RecordingFile.Create(wav, DspChains.SampleRate, 2)) sink.Write(samples);

        var device = (float[][])harness.GetMethod("Stream")!.Invoke(null, [samples, 100])!;
        var build = RecordingWindows.Load(wav, compilation.Manifest.Input, compilation.Chain);

        Assert.Equal(6, device.Length);
        Assert.Equal(device.Length, build.Count);
        for (int k = 0; k < device.Length; k++) Assert.Equal(device[k], build[k]);
    }
}
