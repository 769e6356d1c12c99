namespace EdgeToken.Sensors.Replay;

/// <summary>How fast a <see cref="RecordingReplay"/> delivers frames.</summary>
public enum ReplayPacing
{
    /// <summary>As fast as the consumer takes them (batch evaluation, tests).</summary>
    AsFastAsPossible,

    /// <summary>Each frame is released when the wall clock reaches the time of its last sample (soak tests of a live pipeline).</summary>
    RealTime,
}
