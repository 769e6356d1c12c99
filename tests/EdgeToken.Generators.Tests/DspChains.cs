using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;
using EdgeToken.Sensors.Dsp;
using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Generators.Tests;

/// <summary>Manifests with DSP chains, the same chains computed by calling EdgeToken.Sensors directly (the oracle
/// of the generated code), and the generated class built and loaded behind a small harness.</summary>
internal static class DspChains
{
    public const int Window = 256;
    public const int Hop = 64;
    public const double SampleRate = 8000;

    /// <summary>One chain: its JSON, the values per channel it gives, and the reference per channel (the samples
    /// after the folded input scaling in, the features out).</summary>
    public sealed record Case(string Name, string Json, int PerChannel, Func<ManifestCompilation, int, float[], float[]> Reference);

    public static readonly Case Spectrum = new("spectrum",
        """[ { "op": "detrend" }, { "op": "window", "kind": "hann" }, { "op": "powerSpectrum" }, { "op": "bandEnergies", "bands": [[0, 500], [500, 1000], [1000, 2000], [2000, 4000]] } ]""",
        4, (_, _, x) =>
        {
            new LinearDetrend(Window).Apply(x, x);
            new EdgeToken.Sensors.Dsp.Window(WindowKind.Hann, Window).Apply(x, x);
            var power = PowerSpectrum(x);
            var result = new float[4];
            new BandEnergies([new(0, 500), new(500, 1000), new(1000, 2000), new(2000, 4000)], power.Length, SampleRate / Window).Compute(power, result);
            return result;
        });

    public static readonly Case Statistics = new("stats",
        """[ { "op": "removeMean" }, { "op": "stats", "features": ["rms", "peak", "peakToPeak", "crestFactor", "kurtosis", "skewness", "mean"] } ]""",
        7, (_, _, x) =>
        {
            MeanRemoval.Apply(x, x);
            var s = TimeDomainStatistics.Compute(x);
            return [s.Rms, s.Peak, s.PeakToPeak, s.CrestFactor, s.Kurtosis, s.Skewness, s.Mean];
        });

    public static readonly Case Envelope = new("envelope",
        """[ { "op": "envelopeSpectrum", "demodulate": [1000, 3000] }, { "op": "bandEnergies", "bands": [[0, 100], [100, 250]] } ]""",
        2, (_, _, x) =>
        {
            var amplitude = new float[Window / 2 + 1];
            new EnvelopeSpectrum(Window, SampleRate, new FrequencyBand(1000, 3000)).Compute(x, amplitude);
            var result = new float[2];
            new BandEnergies([new(0, 100), new(100, 250)], amplitude.Length, SampleRate / Window).Compute(amplitude, result);
            return result;
        });

    public static readonly Case LogMel = new("logMel",
        """[ { "op": "window", "kind": "hamming" }, { "op": "powerSpectrum" }, { "op": "logMel", "bins": 20, "lowHz": 50 } ]""",
        20, (_, _, x) =>
        {
            new EdgeToken.Sensors.Dsp.Window(WindowKind.Hamming, Window).Apply(x, x);
            var result = new float[20];
            new MelFilterbank(20, Window, SampleRate, 50, SampleRate / 2).ApplyLog(PowerSpectrum(x), result);
            return result;
        });

    public static readonly Case Mfcc = new("mfcc",
        """[ { "op": "mfcc", "bins": 26, "coefficients": 13, "highHz": 3800 } ]""",
        13, (_, _, x) =>
        {
            var result = new float[13];
            new EdgeToken.Sensors.Dsp.Mfcc(Window, SampleRate, 26, 13, 0, 3800).Compute(x, result);
            return result;
        });

    /// <summary>The front end with bands of its own (its default envelope bands, 25 Hz wide, are narrower than the
    /// 31.25 Hz bins of a 256-sample window: ET0018).</summary>
    public static readonly Case FrontEnd = new("bearingFrontEnd",
        """[ { "op": "bearingFrontEnd", "spectrumBands": [[0, 500], [500, 1500], [1500, 4000]], "envelopeBands": [[0, 100], [100, 200], [200, 400]], "demodulate": [1000, 3000] } ]""",
        6 + 3 + 3, (_, _, x) =>
        {
            var frontEnd = new BearingFrontEnd(new BearingFrontEndOptions(SampleRate, Window, Window, 1,
                [new(0, 500), new(500, 1500), new(1500, 4000)], [new(0, 100), new(100, 200), new(200, 400)]) { DemodulationBand = new FrequencyBand(1000, 3000) });
            var result = new float[frontEnd.FeatureCount];
            Assert.Equal(1, frontEnd.Process(x, result).WindowsWritten);
            return result;
        });

    /// <summary>Affine steps before (folded into the input scaling), between (per channel) and after the DSP stages.</summary>
    public static readonly Case Scaled = new("scaled",
        """[ { "op": "scale", "factor": 2 }, { "op": "window", "kind": "blackman" }, { "op": "scale", "factor": 0.5, "offset": 0.25 }, { "op": "fft" }, { "op": "magnitude" }, { "op": "standardize", "mean": [1, 2], "std": [3, 4] } ]""",
        Window / 2 + 1, (c, channel, x) =>
        {
            new EdgeToken.Sensors.Dsp.Window(WindowKind.Blackman, Window).Apply(x, x);
            var middle = Affine(c, 0);
            ScaleOffset.Apply(x, middle.Scale[channel], middle.Offset[channel], x);
            var re = new float[Window / 2 + 1];
            var im = new float[Window / 2 + 1];
            new RealFft(Window).Forward(x, re, im);
            var result = new float[re.Length];
            EdgeToken.Sensors.Dsp.Spectrum.Magnitude(re, im, result);
            var last = Affine(c, 1);
            ScaleOffset.Apply(result, last.Scale[channel], last.Offset[channel], result);
            return result;
        });

    /// <summary>The complex bins at the end: real parts, then imaginary parts.</summary>
    public static readonly Case Bins = new("fft",
        """[ { "op": "fft" } ]""",
        2 * (Window / 2 + 1), (_, _, x) =>
        {
            var re = new float[Window / 2 + 1];
            var im = new float[Window / 2 + 1];
            new RealFft(Window).Forward(x, re, im);
            return [.. re, .. im];
        });

    /// <summary>A standardize with one mean and deviation per model input (in the model input's order), after a scale.</summary>
    public static readonly Case PerValue = new("perValue",
        """[ { "op": "stats", "features": ["rms", "kurtosis"] }, { "op": "scale", "factor": 2 }, { "op": "standardize", "mean": [1, 2, 3, 4], "std": [0.5, 1, 2, 4] } ]""",
        2, (c, channel, x) =>
        {
            var s = TimeDomainStatistics.Compute(x);
            float[] f = [s.Rms * 2, s.Kurtosis * 2];
            bool rows = c.Manifest.Input.Layout == InputLayout.ChannelsFirst;
            double[] mean = [1, 2, 3, 4], std = [0.5, 1, 2, 4];
            float[] Slice(double[] v) => [(float)v[rows ? channel * 2 : channel], (float)v[rows ? channel * 2 + 1 : 2 + channel]];
            new Standardizer(Slice(mean), Slice(std)).Apply(f, f);
            return f;
        });

    /// <summary>The envelope from the bins of an earlier FFT (ComputeFromSpectrum), and a rectangular window.</summary>
    public static readonly Case EnvelopeOfBins = new("envelopeOfBins",
        """[ { "op": "detrend" }, { "op": "window", "kind": "rectangular" }, { "op": "fft" }, { "op": "envelopeSpectrum" }, { "op": "bandEnergies", "bands": [[0, 100], [100, 250], [250, 500]] } ]""",
        3, (_, _, x) =>
        {
            new LinearDetrend(Window).Apply(x, x);
            new EdgeToken.Sensors.Dsp.Window(WindowKind.Rectangular, Window).Apply(x, x);
            var re = new float[Window / 2 + 1];
            var im = new float[Window / 2 + 1];
            new RealFft(Window).Forward(x, re, im);
            var amplitude = new float[re.Length];
            new EnvelopeSpectrum(Window).ComputeFromSpectrum(re, im, amplitude);
            var result = new float[3];
            new BandEnergies([new(0, 100), new(100, 250), new(250, 500)], amplitude.Length, SampleRate / Window).Compute(amplitude, result);
            return result;
        });

    /// <summary>The power of an FFT's bins, and log-mel energies of a magnitude spectrum.</summary>
    public static readonly Case PowerOfBins = new("powerOfBins",
        """[ { "op": "fft" }, { "op": "power" }, { "op": "bandEnergies", "bands": [[0, 1000], [1000, 4000]] } ]""",
        2, (_, _, x) =>
        {
            var result = new float[2];
            new BandEnergies([new(0, 1000), new(1000, 4000)], Window / 2 + 1, SampleRate / Window).Compute(PowerSpectrum(x), result);
            return result;
        });

    public static readonly Case MelOfMagnitude = new("melOfMagnitude",
        """[ { "op": "magnitudeSpectrum" }, { "op": "logMel", "bins": 12, "lowHz": 100, "highHz": 3000 } ]""",
        12, (_, _, x) =>
        {
            var re = new float[Window / 2 + 1];
            var im = new float[Window / 2 + 1];
            new RealFft(Window).Forward(x, re, im);
            var magnitude = new float[re.Length];
            EdgeToken.Sensors.Dsp.Spectrum.Magnitude(re, im, magnitude);
            var result = new float[12];
            new MelFilterbank(12, Window, SampleRate, 100, 3000).ApplyLog(magnitude, result);
            return result;
        });

    public static readonly Case[] All = [Spectrum, Statistics, Envelope, LogMel, Mfcc, FrontEnd, Scaled, Bins, PerValue, EnvelopeOfBins, PowerOfBins, MelOfMagnitude];

    public static Case Named(string name) => All.Single(c => c.Name == name);

    private static AffineStep Affine(ManifestCompilation c, int index) => c.Chain.Stages.Select(s => s.Step).OfType<AffineStep>().ElementAt(index);

    private static float[] PowerSpectrum(float[] x)
    {
        var re = new float[x.Length / 2 + 1];
        var im = new float[x.Length / 2 + 1];
        new RealFft(x.Length).Forward(x, re, im);
        var power = new float[re.Length];
        EdgeToken.Sensors.Dsp.Spectrum.Power(re, im, power);
        return power;
    }

    public static string Manifest(Case chain, bool channelsFirst = false, string output = "{ \"kind\": \"regression\" }") => $$"""
        {
          "name": "Features",
          "namespace": "Acme.Rail",
          "model": "model.onnx",
          "input": { "channels": 2, "sampleRate": {{SampleRate}}, "window": {{Window}}, "hop": {{Hop}}, "scale": 0.01, "offset": -0.5{{(channelsFirst ? ", \"layout\": \"channels-first\"" : "")}} },
          "preprocess": {{chain.Json}},
          "output": {{output}}
        }
        """;

    /// <summary>y = x * 1 over the model input: the model's output is exactly what the chain fed it.</summary>
    public static OnnxModelBuilder PassThrough(params int[] dims)
    {
        var b = new OnnxModelBuilder("pass_through", opset: 17);
        b.Input("x", ElementType.Float32, dims);
        var one = b.Initializer("one", [1f], 1);
        b.Node("Mul", ["x", one], ["y"]);
        b.Output("y", ElementType.Float32, dims);
        return b;
    }

    public static int[] Dims(Case chain, bool channelsFirst) => channelsFirst ? [1, 2, chain.PerChannel] : [1, chain.PerChannel, 2];

    /// <summary>The model input the chain should produce from one raw window: per channel, the folded input scaling
    /// then the reference; placed in the layout's order.</summary>
    public static float[] Features(ManifestCompilation c, Case chain, float[] raw, bool channelsFirst)
    {
        var features = new float[2 * chain.PerChannel];
        for (int ch = 0; ch < 2; ch++)
        {
            var x = new float[Window];
            for (int t = 0; t < Window; t++) x[t] = raw[t * 2 + ch] * c.Preprocess.Scale[ch] + c.Preprocess.Offset[ch];
            var f = chain.Reference(c, ch, x);
            Assert.Equal(chain.PerChannel, f.Length);
            for (int k = 0; k < f.Length; k++) features[channelsFirst ? ch * chain.PerChannel + k : k * 2 + ch] = f[k];
        }
        return features;
    }

    /// <summary>A vibration-like raw window: two tones, an impact train and noise, around a DC level.</summary>
    public static float[] Raw(int frames, int seed)
    {
        var rng = new Random(seed);
        var raw = new float[frames * 2];
        for (int t = 0; t < frames; t++)
            for (int ch = 0; ch < 2; ch++)
            {
                double time = t / SampleRate;
                double v = 50 + 30 * Math.Sin(2 * Math.PI * (120 + 40 * ch) * time) + 10 * Math.Sin(2 * Math.PI * 2000 * time) * (t % 80 < 8 ? 3 : 0.3) + 5 * (rng.NextDouble() - 0.5);
                raw[t * 2 + ch] = (float)v;
            }
        return raw;
    }

    public const string Harness = """
        using System;
        using Acme.Rail;
        public static class Harness
        {
            public static float[] Infer(float[] window)
            {
                var p = new Features();
                var o = new float[Features.OutputLength];
                p.Infer(window, o);
                return o;
            }

            /// <summary>Pushes in chunks of the given size; the output after every completed window.</summary>
            public static float[][] Stream(float[] samples, int chunk)
            {
                var p = new Features();
                var results = new System.Collections.Generic.List<float[]>();
                for (int at = 0; at < samples.Length; at += chunk)
                {
                    ReadOnlySpan<float> s = new ReadOnlySpan<float>(samples, at, Math.Min(chunk, samples.Length - at));
                    while (p.Push(ref s, out _)) results.Add(p.Output.ToArray());
                }
                return results.ToArray();
            }

            /// <summary>Bytes allocated and collections over <paramref name="windows"/> windows, half by Infer and half
            /// streamed by Push, after a warm-up.</summary>
            public static long[] Allocations(float[] window, int windows)
            {
                var p = new Features();
                var o = new float[Features.OutputLength];
                var samples = new float[Features.Hop * Features.Channels * 4];
                for (int i = 0; i < 200; i++) { p.Infer(window, o); Stream(p, samples); }
                // A fresh gen0 budget: the counts are process-wide, and the test host's own threads (its result channel)
                // may allocate a little meanwhile; none of that can fill a fresh budget, our thread's bytes are counted apart.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
                int done = 0;
                for (int i = 0; i < windows / 2; i++) { p.Infer(window, o); done++; }
                while (done < windows) done += Stream(p, samples);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
                long c0 = GC.CollectionCount(0) - g0, c1 = GC.CollectionCount(1) - g1, c2 = GC.CollectionCount(2) - g2;
                return new[] { allocated, c0, c1, c2, done };
            }

            private static int Stream(Features p, float[] samples)
            {
                ReadOnlySpan<float> s = samples;
                int n = 0;
                while (p.Push(ref s, out var r)) n++;
                return n;
            }
        }
        """;

    /// <summary>Compiles the manifest with its model, runs the generator, builds and loads the harness.</summary>
    public static (Type Harness, ManifestCompilation Compilation, string Source) Build(string manifestJson, OnnxModelBuilder model)
    {
        string manifest = TestPipelines.WriteProject(model, manifestJson, file: "features.edgemodel.json");
        var compilation = TestPipelines.Compile(manifest);
        var (output, diagnostics, driver) = TestPipelines.Run(TestPipelines.NewCompilation(Harness),
            TestPipelines.ManifestText(manifest), TestPipelines.GenerationText(manifest, compilation));
        Assert.Empty(diagnostics);
        // Consumers build with warnings as errors: the generated class must compile clean.
        var generatedTree = output.SyntaxTrees.Last();
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning && d.Location.SourceTree == generatedTree));
        var assembly = TestPipelines.EmitAndLoad(output);
        string source = driver.GetRunResult().Results[0].GeneratedSources.Single().SourceText.ToString();
        return (assembly.GetType("Harness")!, compilation, source);
    }
}
