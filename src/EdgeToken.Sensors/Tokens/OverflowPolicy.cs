namespace EdgeToken.Sensors.Tokens;

/// <summary>What a <see cref="FrameRing"/> does when the producer finds it full.</summary>
/// <remarks>Every policy that loses data counts it; see <see cref="FrameRing.DroppedOldest"/> and <see cref="FrameRing.DroppedNewest"/>.</remarks>
public enum OverflowPolicy
{
    /// <summary>The producer waits for the consumer. No data is lost; the sensor side may back up.</summary>
    Block,

    /// <summary>The oldest unread frame is discarded so the newest is kept (freshness over completeness).</summary>
    DropOldest,

    /// <summary>The incoming frame is discarded (completeness of what is already queued over freshness).</summary>
    DropNewest,
}
