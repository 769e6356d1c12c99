namespace EdgeToken.Sensors.Tokens;

/// <summary>Outcome of <see cref="FrameRing.Write"/>.</summary>
public enum RingWriteResult
{
    /// <summary>The frame was queued and nothing was lost.</summary>
    Written,

    /// <summary>The frame was queued after discarding the oldest unread frame.</summary>
    WrittenAfterDroppingOldest,

    /// <summary>The frame was discarded because the ring was full (<see cref="OverflowPolicy.DropNewest"/>).</summary>
    DroppedNewest,

    /// <summary>The ring stayed full until the timeout or cancellation (<see cref="OverflowPolicy.Block"/>); the frame was not queued.</summary>
    TimedOut,
}
