using EdgeToken.Sensors.Replay;

namespace EdgeToken.Compiler.Manifests;

/// <summary>A recording from the sensor front end (<c>.wav</c> or <c>.csv</c>, as <c>edgetoken record</c> writes
/// them) turned into model inputs the way the device turns its stream into them: windows of
/// <see cref="SensorInput.Window"/> frames starting every <see cref="SensorInput.Hop"/> frames (like the generated
/// class's <c>Push</c>), each run through the manifest's preprocess chain (<see cref="PreprocessRunner"/>).
/// Calibration and validation data can then be what the sensor really sees instead of hand-made tensors.</summary>
public static class RecordingWindows
{
    /// <summary>At most this many windows are used; a longer recording is sampled at an even stride across its whole
    /// length (calibration ranges settle long before this; the histograms of Percentile and Entropy hold every value).</summary>
    public const int MaxWindows = 4096;

    /// <summary>Reads <paramref name="path"/> and returns one model input per window.</summary>
    /// <exception cref="CompileException">The file is missing or malformed, or its channels, rate or length do not fit
    /// the manifest's input (the message names the file and what to change).</exception>
    public static List<float[]> Load(string path, SensorInput input, PreprocessChain chain)
    {
        if (!File.Exists(path)) throw new CompileException($"{path}: recording not found");
        float[] frames;
        try { frames = ReadAll(path, input); }
        catch (InvalidDataException e) { throw new CompileException(e.Message); }
        int channels = input.Channels;
        long frameCount = frames.Length / channels;
        if (frameCount < input.Window)
            throw new CompileException($"{path}: {frameCount} frames ({frameCount / input.SampleRate:0.###} s) is shorter than one window of {input.Window} frames; record at least {input.Window / input.SampleRate:0.###} s");
        long windows = (frameCount - input.Window) / input.Hop + 1;
        long stride = (windows + MaxWindows - 1) / MaxWindows;
        var runner = new PreprocessRunner(chain);
        var samples = new List<float[]>((int)Math.Min(windows, MaxWindows));
        for (long k = 0; k < windows; k += stride)
        {
            var sample = new float[runner.OutputLength];
            runner.Run(frames.AsSpan(checked((int)(k * input.Hop * channels)), runner.InputLength), sample);
            samples.Add(sample);
        }
        return samples;
    }

    private static float[] ReadAll(string path, SensorInput input)
    {
        using var source = RecordingFile.Open(path, input.SampleRate);
        if (source.ChannelCount != input.Channels)
            throw new CompileException($"{path}: the recording has {source.ChannelCount} channel(s), the manifest's input has {input.Channels}; record the channels the model reads, in its order");
        if (Math.Abs(source.SampleRateHz - input.SampleRate) > 1e-6 * input.SampleRate)
            throw new CompileException($"{path}: the recording is sampled at {source.SampleRateHz} Hz, the manifest's input at {input.SampleRate} Hz; record at the rate the device samples (windows and DSP bands are in that rate's frames)");
        var all = new List<float>();
        var block = new float[4096 * input.Channels];
        int read;
        while ((read = source.Read(block)) > 0) all.AddRange(block.AsSpan(0, read * input.Channels));
        return [.. all];
    }
}
