using System.Globalization;

namespace EdgeToken.Sensors.Replay;

/// <summary>
/// Writes interleaved samples as the CSV recording <see cref="CsvRecordingReader"/> reads: a header
/// row <c>time,ch0,ch1,…</c>, then one instant per line with its time in seconds.
/// </summary>
/// <remarks>
/// Times are computed from the instant index (index / rate), never accumulated, so a long recording
/// does not drift; they and the values use the shortest round-trip form in the invariant culture, so
/// reading the file back gives the same floats and the same sample rate.
/// </remarks>
public sealed class CsvRecordingWriter : IRecordingSink
{
    private readonly TextWriter _writer;
    private readonly char[] _line = new char[64];
    private long _instants;

    /// <summary>Creates (or overwrites) the CSV file at <paramref name="path"/>.</summary>
    public CsvRecordingWriter(string path, double sampleRateHz, int channelCount, IReadOnlyList<string>? channelNames = null)
        : this(new StreamWriter(path), sampleRateHz, channelCount, channelNames)
    {
    }

    /// <summary>Writes to <paramref name="writer"/> (disposed with this writer).</summary>
    public CsvRecordingWriter(TextWriter writer, double sampleRateHz, int channelCount, IReadOnlyList<string>? channelNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channelCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRateHz);
        if (channelNames is not null && channelNames.Count != channelCount)
        {
            throw new ArgumentException($"{channelNames.Count} channel names for {channelCount} channels.", nameof(channelNames));
        }

        _writer = writer;
        SampleRateHz = sampleRateHz;
        ChannelCount = channelCount;
        _writer.Write("time");
        for (int c = 0; c < channelCount; c++)
        {
            _writer.Write(',');
            _writer.Write(channelNames?[c] ?? $"ch{c}");
        }

        _writer.Write('\n');
    }

    /// <summary>Sample rate the time column is computed from.</summary>
    public double SampleRateHz { get; }

    /// <summary>Values per line after the time.</summary>
    public int ChannelCount { get; }

    /// <summary>Instants written so far.</summary>
    public long Instants => _instants;

    /// <summary>Appends whole instants of interleaved samples.</summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        if (interleaved.Length % ChannelCount != 0)
        {
            throw new ArgumentException($"{interleaved.Length} values are not whole {ChannelCount}-channel instants.", nameof(interleaved));
        }

        for (int i = 0; i < interleaved.Length; i += ChannelCount)
        {
            WriteNumber(_instants / SampleRateHz);
            for (int c = 0; c < ChannelCount; c++)
            {
                _writer.Write(',');
                WriteNumber(interleaved[i + c]);
            }

            _writer.Write('\n');
            _instants++;
        }
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    private void WriteNumber(double value)
    {
        value.TryFormat(_line, out int written, "R", CultureInfo.InvariantCulture);
        _writer.Write(_line, 0, written);
    }

    private void WriteNumber(float value)
    {
        value.TryFormat(_line, out int written, "R", CultureInfo.InvariantCulture);
        _writer.Write(_line, 0, written);
    }
}
