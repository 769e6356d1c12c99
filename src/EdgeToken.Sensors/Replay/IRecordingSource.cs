namespace EdgeToken.Sensors.Replay;

/// <summary>A recording read front to back as interleaved float samples.</summary>
public interface IRecordingSource
{
    /// <summary>Sample rate of the recording.</summary>
    double SampleRateHz { get; }

    /// <summary>Channels per instant.</summary>
    int ChannelCount { get; }

    /// <summary>Fills <paramref name="interleaved"/> with whole instants; returns the number of instants read (0 at the end).</summary>
    int Read(Span<float> interleaved);
}
