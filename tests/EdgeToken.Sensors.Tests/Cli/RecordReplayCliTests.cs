using System.Text.Json;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;
using EdgeToken.Sensors.Machinery;
using EdgeToken.Sensors.Replay;

namespace EdgeToken.Sensors.Tests.Cli;

/// <summary><c>edgetoken record</c> and <c>edgetoken replay</c> end to end, through the real process.</summary>
public sealed class RecordReplayCliTests
{
    private const double FaultStart = 2.0;

    [Fact]
    public void OuterRaceFaultRecordedToWavRaisesTheBpfoEnvelopeBandOnReplay()
    {
        string dir = CliProcess.TempDir();
        string wav = Path.Combine(dir, "axlebox.wav");
        JsonElement record = CliProcess.Json("record", "--source", "simulator", "--duration", "4", "--out", wav,
            "--fault", "outer", "--fault-start", "2", "--seed", "7");
        Assert.Equal(4 * 20480, record.GetProperty("instants").GetInt64());
        Assert.True(record.GetProperty("complete").GetBoolean());
        using (var reader = new WavReader(wav))
        {
            Assert.Equal(new WavFormat(20480, 3, WavEncoding.Float32), reader.Format);
            Assert.Equal(4 * 20480, reader.RemainingInstants);
        }

        JsonElement replay = CliProcess.Json("replay", wav, "--demodulate", "2000:4000");
        double bpfo = BearingGeometry.RailwayAxleBox.Bpfo(10);
        int band = BandIndex(replay.GetProperty("envelopeBands"), bpfo);
        int spectrumBands = replay.GetProperty("spectrumBands").GetArrayLength();
        int feature = 6 + spectrumBands + band; // channel 0: statistics, spectrum bands, envelope bands
        Assert.Equal("ch0.envelope.75-100Hz", replay.GetProperty("featureNames")[feature].GetString());

        var before = new List<double>();
        var after = new List<double>();
        int topIsBpfo = 0;
        foreach (JsonElement window in replay.GetProperty("windows").EnumerateArray())
        {
            double[] f = [.. window.GetProperty("features").EnumerateArray().Select(v => v.GetDouble())];
            if (window.GetProperty("endSeconds").GetDouble() < FaultStart) before.Add(f[feature]);
            else if (window.GetProperty("startSeconds").GetDouble() > FaultStart)
            {
                after.Add(f[feature]);
                double[] envelope = f[(6 + spectrumBands)..(6 + spectrumBands + 16)];
                if (Array.IndexOf(envelope, envelope.Max()) == band) topIsBpfo++;
            }
        }

        Assert.Equal(79, replay.GetProperty("windows").GetArrayLength()); // (81920 - 2048) / 1024 + 1
        Assert.True(before.Count > 30 && after.Count > 30, $"{before.Count} windows before, {after.Count} after");
        Assert.True(after.Average() > 10 * before.Average(), $"BPFO envelope band {before.Average():G3} -> {after.Average():G3}");
        Assert.True(topIsBpfo > after.Count * 0.9, $"BPFO band was the strongest envelope band in {topIsBpfo} of {after.Count} faulty windows");
    }

    [Fact]
    public void ReplayRunsACompiledPlanOnEveryWindowsFeatures()
    {
        string dir = CliProcess.TempDir();
        string csv = Path.Combine(dir, "short.csv");
        CliProcess.Json("record", "--source", "simulator", "--duration", "0.5", "--out", csv, "--channels", "2", "--fault", "inner");

        // y = features ⊙ w: an element-wise model, so the test can predict every output from the printed features.
        const int features = 2 * (6 + 8 + 16);
        float[] w = [.. Enumerable.Range(0, features).Select(i => 0.5f * ((i % 3) + 1))];
        var model = new OnnxModelBuilder("scale")
            .Input("features", ElementType.Float32, 1, features);
        model.Node("Mul", ["features", model.Initializer("w", w, 1, features)], ["y"]);
        model.Output("y", ElementType.Float32, 1, features);
        string onnx = Path.Combine(dir, "scale.onnx");
        model.Save(onnx);
        var (code, _, stderr) = CliProcess.Run("compile", onnx);
        Assert.True(code == 0, stderr);

        JsonElement replay = CliProcess.Json("replay", csv, "--plan", Path.ChangeExtension(onnx, ".etplan"));
        Assert.Equal(2, replay.GetProperty("channels").GetInt32());
        Assert.Equal(20480, replay.GetProperty("sampleRateHz").GetDouble()); // derived from the CSV's time column
        JsonElement windows = replay.GetProperty("windows");
        Assert.Equal(9, windows.GetArrayLength()); // (10240 - 2048) / 1024 + 1
        foreach (JsonElement window in windows.EnumerateArray())
        {
            JsonElement f = window.GetProperty("features");
            JsonElement y = window.GetProperty("outputs").GetProperty("y");
            Assert.Equal(features, y.GetArrayLength());
            for (int i = 0; i < features; i++)
            {
                Assert.Equal(f[i].GetSingle() * w[i], y[i].GetSingle());
            }
        }

        // A plan whose input does not match the feature count is a user error naming both sizes.
        var (badCode, _, badError) = CliProcess.Run("replay", csv, "--plan", Path.ChangeExtension(onnx, ".etplan"), "--window", "1024");
        Assert.Equal(0, badCode); // same channels, same feature count: window length does not change the layout
        string threeChannels = Path.Combine(dir, "three.wav");
        CliProcess.Json("record", "--source", "simulator", "--duration", "0.2", "--out", threeChannels);
        (badCode, _, badError) = CliProcess.Run("replay", threeChannels, "--plan", Path.ChangeExtension(onnx, ".etplan"));
        Assert.Equal(2, badCode);
        Assert.Contains("60 elements", badError);
        Assert.Contains("90 float features", badError);
    }

    [Theory]
    [InlineData("record --source bogus --duration 1 --out x.wav", "--source bogus")]
    [InlineData("record --source simulator --duration 1 --out x.txt", "--out x.txt")]
    [InlineData("record --source simulator --duration 1 --out x.wav --fault spalled", "--fault spalled")]
    [InlineData("record --source serial:/dev/ttyNOPE --duration 1 --out x.csv", "--rate")]
    [InlineData("replay missing.wav", "missing.wav")]
    [InlineData("replay {good} --window 2047", "--window 2047")]
    [InlineData("replay {bad}", "not a RIFF/WAVE file")]
    public void UserErrorsExitWithCodeTwoAndOneLine(string arguments, string expected)
    {
        string bad = Path.Combine(CliProcess.TempDir(), "bad.wav");
        File.WriteAllText(bad, "this is not audio");
        string good = Path.ChangeExtension(bad, ".csv");
        File.WriteAllText(good, "time,x\n0,1\n0.001,2\n");
        var (code, stdout, stderr) = CliProcess.Run(arguments.Replace("{bad}", bad).Replace("{good}", good).Split(' '));
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("", stdout);
    }

    private static int BandIndex(JsonElement bands, double hz)
    {
        int i = 0;
        foreach (JsonElement b in bands.EnumerateArray())
        {
            if (b.GetProperty("lowHz").GetDouble() <= hz && hz < b.GetProperty("highHz").GetDouble()) return i;
            i++;
        }

        throw new InvalidOperationException($"no envelope band holds {hz} Hz");
    }
}
