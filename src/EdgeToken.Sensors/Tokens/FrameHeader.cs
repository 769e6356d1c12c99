namespace EdgeToken.Sensors.Tokens;

/// <summary>
/// Describes a frame of interleaved samples: <see cref="SampleCount"/> instants times
/// <see cref="ChannelCount"/> channels, the first one taken at <see cref="TimestampNanoseconds"/>.
/// </summary>
/// <param name="SensorId">Sensor that produced the frame.</param>
/// <param name="Sequence">Producer's frame counter; a jump means frames were lost upstream.</param>
/// <param name="FirstSampleIndex">Index of the first sample instant since the stream started.</param>
/// <param name="TimestampNanoseconds">Time of the first sample instant.</param>
/// <param name="SampleCount">Number of sample instants in the frame.</param>
/// <param name="ChannelCount">Number of channels per instant.</param>
public readonly record struct FrameHeader(
    ushort SensorId,
    uint Sequence,
    long FirstSampleIndex,
    long TimestampNanoseconds,
    int SampleCount,
    int ChannelCount)
{
    /// <summary>Number of values in the frame (instants times channels).</summary>
    public int ValueCount => SampleCount * ChannelCount;
}
