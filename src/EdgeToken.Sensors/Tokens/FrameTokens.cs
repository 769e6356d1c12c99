namespace EdgeToken.Sensors.Tokens;

/// <summary>
/// Enumerates a frame's interleaved values as <see cref="SensorToken"/>s, computing each
/// timestamp from the clock, without allocating: <c>foreach (var t in new FrameTokens(h, values, clock))</c>.
/// </summary>
public ref struct FrameTokens
{
    private readonly FrameHeader _header;
    private readonly ReadOnlySpan<float> _values;
    private readonly SampleClock _clock;
    private int _index;

    /// <summary>
    /// Creates an enumerator over <paramref name="values"/> described by <paramref name="header"/>, on the
    /// sample rate of <paramref name="clock"/> with the first sample at <see cref="FrameHeader.TimestampNanoseconds"/>.
    /// </summary>
    public FrameTokens(in FrameHeader header, ReadOnlySpan<float> values, SampleClock clock)
    {
        if (values.Length < header.ValueCount)
        {
            throw new ArgumentException($"Frame header says {header.ValueCount} values but only {values.Length} were given.", nameof(values));
        }

        _header = header;
        _values = values;
        _clock = clock.Reanchored(header.FirstSampleIndex, header.TimestampNanoseconds);
        _index = -1;
    }

    /// <summary>The token at the current position.</summary>
    public readonly SensorToken Current
    {
        get
        {
            int instant = _index / _header.ChannelCount;
            int channel = _index - (instant * _header.ChannelCount);
            return new SensorToken(_header.SensorId, (byte)channel, _clock.TimestampOf(_header.FirstSampleIndex + instant), _values[_index]);
        }
    }

    /// <summary>Returns this enumerator (enables <c>foreach</c>).</summary>
    public readonly FrameTokens GetEnumerator() => this;

    /// <summary>Advances to the next token.</summary>
    public bool MoveNext() => ++_index < _header.ValueCount;
}
