using EdgeToken.Compiler.Quantization;
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
    /// <remarks>Two passes over the file, the first to count its frames; memory holds one window of frames,
    /// whatever the recording's length (an hour of field recording is fine).</remarks>
    /// <exception cref="CompileException">The file is missing or malformed, or its channels, rate or length do not fit
    /// the manifest's input (the message names the file and what to change).</exception>
    public static List<float[]> Load(string path, SensorInput input, PreprocessChain chain)
    {
        if (!File.Exists(path)) throw new DataFileException($"{path}: recording not found");
        try
        {
            long frameCount = CountFrames(path, input);
            if (frameCount < input.Window)
                throw new DataFileException($"{path}: {frameCount} frames ({frameCount / input.SampleRate:0.###} s) is shorter than one window of {input.Window} frames; record at least {input.Window / input.SampleRate:0.###} s");
            long windows = (frameCount - input.Window) / input.Hop + 1;
            long stride = (windows + MaxWindows - 1) / MaxWindows;
            var runner = new PreprocessRunner(chain);
            var samples = new List<float[]>((int)Math.Min(windows, MaxWindows));
            using var frames = new FrameCursor(Open(path, input), input.Channels, input.Window);
            for (long k = 0; k < windows; k += stride)
            {
                var sample = new float[runner.OutputLength];
                runner.Run(frames.Window(k * input.Hop), sample);
                samples.Add(sample);
            }
            return samples;
        }
        catch (InvalidDataException e) { throw new DataFileException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}"); }
    }

    private static long CountFrames(string path, SensorInput input)
    {
        using var source = Open(path, input);
        var block = new float[4096 * input.Channels];
        long frames = 0;
        int read;
        while ((read = source.Read(block)) > 0) frames += read;
        return frames;
    }

    private static IRecordingSource Open(string path, SensorInput input)
    {
        var source = RecordingFile.Open(path, input.SampleRate);
        if (source.ChannelCount != input.Channels)
        {
            source.Dispose();
            throw new DataFileException($"{path}: the recording has {source.ChannelCount} channel(s), the manifest's input has {input.Channels}; record the channels the model reads, in its order");
        }
        if (Math.Abs(source.SampleRateHz - input.SampleRate) > 1e-6 * input.SampleRate)
        {
            source.Dispose();
            throw new DataFileException($"{path}: the recording is sampled at {source.SampleRateHz} Hz, the manifest's input at {input.SampleRate} Hz; record at the rate the device samples (windows and DSP bands are in that rate's frames)");
        }
        return source;
    }

    /// <summary>Forward-only access to windows of a recording: holds at most one window of frames, [start, end) of the
    /// stream; keeps what the next window shares with it and reads only the rest, or reads past a gap.</summary>
    private sealed class FrameCursor(IRecordingSource source, int channels, int window) : IDisposable
    {
        private readonly float[] _buffer = new float[window * channels];
        private long _start, _end; // frames held: [_start, _end), at _buffer[0 ..]

        /// <summary>The interleaved values of frames [<paramref name="first"/>, first + window); calls go forward.</summary>
        public ReadOnlySpan<float> Window(long first)
        {
            if (first >= _end) { _start = _end; Skip(first - _end); }
            else if (first > _start)
            {
                int keep = (int)(_end - first);
                _buffer.AsSpan((int)(first - _start) * channels, keep * channels).CopyTo(_buffer);
                _start = first;
            }
            while (_end - _start < window)
            {
                int held = (int)(_end - _start);
                int read = source.Read(_buffer.AsSpan(held * channels, (window - held) * channels));
                if (read == 0) throw new InvalidDataException("the recording ended early (it changed since it was counted)");
                _end += read;
            }
            return _buffer.AsSpan(0, window * channels);
        }

        /// <summary>Reads and drops <paramref name="frames"/> frames, leaving the buffer empty at the frame after them.</summary>
        private void Skip(long frames)
        {
            while (frames > 0)
            {
                int read = source.Read(_buffer.AsSpan(0, (int)Math.Min(frames, _buffer.Length / channels) * channels));
                if (read == 0) throw new InvalidDataException("the recording ended early (it changed since it was counted)");
                frames -= read;
                _start += read;
            }
            _end = _start;
        }

        public void Dispose() => source.Dispose();
    }
}
