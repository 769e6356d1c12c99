using EdgeToken.Runtime.Execution;

namespace EdgeToken.Generators.Tests;

/// <summary>Manifests with DSP steps in their preprocess chain: the generated pipeline feeds the model exactly what
/// calling EdgeToken.Sensors directly gives, the model's output equals the plan executor's on those features,
/// streaming gives the same windows, and nothing allocates.</summary>
public sealed class DspChainTests
{
    public static TheoryData<string, bool> Chains()
    {
        var data = new TheoryData<string, bool>();
        foreach (var c in DspChains.All) data.Add(c.Name, false);
        data.Add(DspChains.Spectrum.Name, true);
        data.Add(DspChains.Bins.Name, true);
        data.Add(DspChains.FrontEnd.Name, true);
        data.Add(DspChains.PerValue.Name, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Chains))]
    public void Generated_chain_feeds_the_model_what_the_sensor_functions_give(string name, bool channelsFirst)
    {
        var chain = DspChains.Named(name);
        var (harness, compilation, _) = DspChains.Build(DspChains.Manifest(chain, channelsFirst), DspChains.PassThrough(DspChains.Dims(chain, channelsFirst)));
        Assert.Equal(2 * chain.PerChannel, compilation.ModelInputLength);
        for (int seed = 0; seed < 3; seed++)
        {
            var raw = DspChains.Raw(DspChains.Window, seed);
            var generated = (float[])harness.GetMethod("Infer")!.Invoke(null, [raw])!;
            Assert.Equal(DspChains.Features(compilation, chain, raw, channelsFirst), generated);
        }
    }

    [Fact]
    public void A_model_fed_by_the_chain_equals_the_plan_executor_on_the_same_features()
    {
        var chain = DspChains.Spectrum;
        var manifest = DspChains.Manifest(chain, output: "{ \"kind\": \"classes\", \"labels\": [\"normal\", \"fault\"] }");
        var (harness, compilation, _) = DspChains.Build(manifest, TestPipelines.TwoClassModel(window: chain.PerChannel));
        for (int seed = 0; seed < 3; seed++)
        {
            var raw = DspChains.Raw(DspChains.Window, seed);
            var executor = new PlanExecutor(compilation.Model.Plan);
            DspChains.Features(compilation, chain, raw, channelsFirst: false).CopyTo(executor.Input<float>(0));
            executor.Run();
            var generated = (float[])harness.GetMethod("Infer")!.Invoke(null, [raw])!;
            Assert.Equal(executor.Output<float>(0).ToArray(), generated);
        }
    }

    [Theory]
    [InlineData("bearingFrontEnd")]
    [InlineData("scaled")]
    [InlineData("envelope")]
    public void Push_runs_the_chain_on_every_hop_whatever_the_chunking(string name)
    {
        var chain = DspChains.Named(name);
        var (harness, compilation, _) = DspChains.Build(DspChains.Manifest(chain), DspChains.PassThrough(DspChains.Dims(chain, false)));
        int frames = DspChains.Window + DspChains.Hop * 3;
        var samples = DspChains.Raw(frames, 11);
        foreach (int chunk in new[] { 2, 34, 10_000 })
        {
            var results = (float[][])harness.GetMethod("Stream")!.Invoke(null, [samples, chunk])!;
            Assert.Equal(4, results.Length);
            for (int k = 0; k < results.Length; k++)
            {
                var window = samples.AsSpan(k * DspChains.Hop * 2, DspChains.Window * 2).ToArray();
                Assert.Equal(DspChains.Features(compilation, chain, window, channelsFirst: false), results[k]);
            }
        }
    }

    [Fact]
    public void Generated_source_of_a_dsp_chain()
    {
        var chain = DspChains.Named("spectrum") with
        {
            Json = """[ { "op": "scale", "factor": 0.5 }, { "op": "detrend" }, { "op": "window", "kind": "hann" }, { "op": "powerSpectrum" }, { "op": "bandEnergies", "bands": [[0, 500], [500, 1000], [1000, 2000], [2000, 4000]] }, { "op": "standardize", "mean": [1, 2], "std": [3, 4] } ]""",
        };
        var (_, _, source) = DspChains.Build(DspChains.Manifest(chain), DspChains.PassThrough(DspChains.Dims(chain, false)));
        Snapshot.Match("Acme.Rail.Features.g.cs.txt", source);
    }
}

/// <summary>Ten thousand windows of every kind of chain, half through Infer and half streamed through Push: no byte
/// allocated, no collection.</summary>
[Collection(AllocationCollection.Name)]
public sealed class DspChainAllocationTests
{
    [Theory]
    [InlineData("spectrum")]
    [InlineData("stats")]
    [InlineData("envelope")]
    [InlineData("logMel")]
    [InlineData("mfcc")]
    [InlineData("bearingFrontEnd")]
    [InlineData("scaled")]
    [InlineData("fft")]
    [InlineData("perValue")]
    [InlineData("envelopeOfBins")]
    [InlineData("powerOfBins")]
    [InlineData("melOfMagnitude")]
    public void Ten_thousand_windows_allocate_nothing_and_collect_nothing(string name)
    {
        var chain = DspChains.Named(name);
        var (harness, _, _) = DspChains.Build(DspChains.Manifest(chain), DspChains.PassThrough(DspChains.Dims(chain, false)));
        var deltas = (long[])harness.GetMethod("Allocations")!.Invoke(null, [DspChains.Raw(DspChains.Window, 5), 10_000])!;
        Assert.True(deltas[4] >= 10_000, $"only {deltas[4]} windows ran");
        Assert.Equal(new long[] { 0, 0, 0, 0 }, deltas[..4]);
    }
}
