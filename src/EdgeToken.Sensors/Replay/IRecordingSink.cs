namespace EdgeToken.Sensors.Replay;

/// <summary>A recording being written: interleaved instants in, a file out when disposed.</summary>
public interface IRecordingSink : IDisposable
{
    /// <summary>Appends whole instants of interleaved samples.</summary>
    void Write(ReadOnlySpan<float> interleaved);
}
