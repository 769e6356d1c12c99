namespace EdgeToken.Sensors.Tokens;

/// <summary>Discontinuities <see cref="TimelineMonitor"/> found in one frame. Flags, because one frame can show several.</summary>
[Flags]
public enum TimelineEvent
{
    /// <summary>The frame follows the previous one without a gap.</summary>
    None = 0,

    /// <summary>The frame's sequence number skipped: whole frames were lost upstream.</summary>
    SequenceGap = 1,

    /// <summary>The frame starts later than the previous one ended: samples are missing.</summary>
    SampleGap = 2,

    /// <summary>The frame overlaps the previous one or repeats a sequence number: samples were duplicated or the source restarted.</summary>
    SampleOverlap = 4,

    /// <summary>The reported timestamp is off the sample-rate timeline by more than the tolerance: the clock jumped (NTP step, RTC reset, sensor restart).</summary>
    ClockJump = 8,
}
