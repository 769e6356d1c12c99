using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Tests.Cli;
using EdgeToken.Runtime.Plans;
using EdgeToken.Sensors.Replay;

namespace EdgeToken.Compiler.Tests.Quantization;

/// <summary>Calibration and validation data given as a recording from the sensor front end: the manifest's windowing
/// and input scaling turn it into the same samples a hand-written .f32 of those windows holds.</summary>
public class RecordingCalibrationTests
{
    private const int Window = 64, Hop = 16, Windows = 40;
    private const double Rate = 100, Scale = 0.01;

    /// <summary>Raw frames of one channel, vibration-like counts around a DC level.</summary>
    private static float[] Frames(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int t = 0; t < count; t++) x[t] = (float)(500 + 300 * Math.Sin(t * 0.3) + 200 * (rng.NextDouble() - 0.5));
        return x;
    }

    private static string Manifest(string dir, string optimization, int channels = 1)
    {
        string path = Path.Combine(dir, "Mlp.edgemodel.json");
        File.WriteAllText(path, $$"""
            {
              "name": "Mlp",
              "namespace": "Tests",
              "model": "mlp.onnx",
              "input": { "channels": {{channels}}, "sampleRate": {{Rate}}, "window": {{Window}}, "hop": {{Hop}}, "scale": {{Scale}} },
              "optimization": {{optimization}},
              "output": { "kind": "regression" }
            }
            """);
        return path;
    }

    private static string Project()
    {
        string dir = TestModels.TempDir();
        TestModels.Save(QuantModels.Mlp(), dir, "mlp.onnx");
        var frames = Frames(Window + Hop * (Windows - 1) + 5, 3);
        using (var wav = RecordingFile.Create(Path.Combine(dir, "run.wav"), Rate, 1)) wav.Write(frames);
        using (var csv = RecordingFile.Create(Path.Combine(dir, "run.csv"), Rate, 1)) csv.Write(frames);
        // The windows written out by hand: every hop, scaled as the manifest's input says.
        var windows = Enumerable.Range(0, Windows).Select(k => frames.AsSpan(k * Hop, Window).ToArray().Select(v => v * (float)Scale).ToArray());
        QuantModels.WriteF32(dir, windows, "windows.f32");
        return dir;
    }

    private static ManifestCompilation Compiled(string manifest)
    {
        var result = ManifestCompiler.Compile(manifest);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Compilation!;
    }

    [Fact]
    public void A_wav_or_csv_recording_calibrates_like_the_f32_of_its_windows()
    {
        string dir = Project();
        var byHand = Compiled(Manifest(dir, """{ "calibration": "windows.f32", "quantize": { }, "validation": { "data": "windows.f32" } }"""));
        var wav = Compiled(Manifest(dir, """{ "calibration": "run.wav", "quantize": { }, "validation": { "recording": "run.wav" } }"""));
        var csv = Compiled(Manifest(dir, """{ "calibration": { "recording": "run.csv" }, "quantize": { }, "validation": { "recording": "run.csv" } }"""));

        Assert.Equal(3, byHand.Model.QuantizedLayers.Count);
        Assert.Equal(PlanFile.Write(byHand.Model.Plan), PlanFile.Write(wav.Model.Plan));
        Assert.Equal(PlanFile.Write(byHand.Model.Plan), PlanFile.Write(csv.Model.Plan));
        Assert.Equal(Windows, wav.Validation!.Samples);
        Assert.Equal(byHand.Validation!.SqnrDb, wav.Validation.SqnrDb);
        Assert.Equal(byHand.Validation.SqnrDb, csv.Validation!.SqnrDb);
    }

    [Fact]
    public void Compile_reports_the_windows_of_the_recording_and_a_bare_model_refuses_one()
    {
        string dir = Project();
        var (exit, stdout, stderr) = CliProcess.Run("compile", Manifest(dir, """{ "calibration": "run.wav", "quantize": { } }"""), "--report");
        Assert.True(exit == 0, stderr);
        Assert.Contains($"MinMax calibration on run.wav: {Windows} windows of the recording through the preprocess chain", stdout);

        (exit, _, stderr) = CliProcess.Run("compile", Path.Combine(dir, "mlp.onnx"), "--quantize", Path.Combine(dir, "run.wav"));
        Assert.Equal(2, exit);
        Assert.Contains("run.wav: a .wav is a sensor recording, not model inputs", stderr);
    }

    [Fact]
    public void A_recording_that_does_not_fit_the_input_is_a_clear_error()
    {
        string dir = Project();
        using (var w = RecordingFile.Create(Path.Combine(dir, "stereo.wav"), Rate, 2)) w.Write(Frames(2 * 200, 1));
        using (var w = RecordingFile.Create(Path.Combine(dir, "fast.wav"), 2 * Rate, 1)) w.Write(Frames(200, 1));
        using (var w = RecordingFile.Create(Path.Combine(dir, "short.wav"), Rate, 1)) w.Write(Frames(Window - 1, 1));

        string Error(string optimization, string id = ManifestDiagnosticIds.DataUnusable)
        {
            var result = ManifestCompiler.Compile(Manifest(dir, optimization));
            Assert.False(result.Succeeded);
            Assert.NotEmpty(result.Diagnostics);
            Assert.All(result.Diagnostics, d => Assert.EndsWith("Mlp.edgemodel.json", d.Path));
            Assert.Contains(result.Diagnostics, d => d.Id == id);
            return string.Join("\n", result.Diagnostics.Select(d => d.Message));
        }

        Assert.Contains("stereo.wav: the recording has 2 channel(s), the manifest's input has 1", Error("""{ "calibration": "stereo.wav", "quantize": { } }"""));
        Assert.Contains("fast.wav: the recording is sampled at 200 Hz, the manifest's input at 100 Hz", Error("""{ "calibration": "fast.wav", "quantize": { } }"""));
        Assert.Contains("short.wav: 63 frames (0.63 s) is shorter than one window of 64 frames", Error("""{ "calibration": "short.wav", "quantize": { } }"""));
        Assert.Contains("short.wav: 63 frames", Error("""{ "calibration": "run.wav", "quantize": { }, "validation": { "recording": "short.wav" } }"""));
        Assert.Contains("none.wav: recording not found", Error("""{ "calibration": "none.wav", "quantize": { } }"""));
        Assert.Contains("names its data once", Error("""{ "calibration": "run.wav", "quantize": { }, "validation": { "data": "windows.f32", "recording": "run.wav" } }""", ManifestDiagnosticIds.InvalidValue));
        Assert.Contains("'optimization.calibration.recording'", Error("""{ "calibration": { "file": "run.csv" }, "quantize": { } }""", ManifestDiagnosticIds.MissingField));
        // Model inputs and labels that do not fit are the same kind of error, not the model's.
        File.WriteAllBytes(Path.Combine(dir, "odd.f32"), new byte[12]);
        Assert.Contains("calibration data: ", Error("""{ "calibration": "odd.f32", "quantize": { } }"""));
        File.WriteAllText(Path.Combine(dir, "three.labels"), "0\n1\n2\n");
        Assert.Contains($"validation data: {Windows} samples but 3 labels; give one class index per sample (per window of a recording)",
            Error("""{ "calibration": "run.wav", "quantize": { }, "validation": { "recording": "run.wav", "labels": "three.labels" } }"""));
    }

    [Theory]
    [InlineData(2)] // windows 32 frames apart overlap: the cursor keeps their common frames
    [InlineData(5)] // 80 frames apart: the cursor reads past the frames between them
    public void A_long_recording_is_sampled_at_an_even_stride_across_its_length(int stride)
    {
        string dir = Project();
        int windows = stride * RecordingWindows.MaxWindows;
        var frames = Frames(Window + Hop * (windows - 1), 5);
        string wav = Path.Combine(dir, "long.wav");
        using (var w = RecordingFile.Create(wav, Rate, 1)) w.Write(frames);
        var manifest = ManifestParser.ParseFile(Manifest(dir, """{ "calibration": "long.wav", "quantize": { } }""")).Manifest!;
        var samples = RecordingWindows.Load(wav, manifest.Input, PreprocessChain.Resolve(manifest.Path, manifest.Input, manifest.Preprocess));

        Assert.Equal(RecordingWindows.MaxWindows, samples.Count); // windows 0, stride, 2 x stride, ...
        for (int k = 0; k < samples.Count; k++)
            Assert.Equal(frames.AsSpan(k * stride * Hop, Window).ToArray().Select(v => v * (float)Scale), samples[k]);
    }
}
