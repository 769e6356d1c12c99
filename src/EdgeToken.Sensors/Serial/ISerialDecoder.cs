namespace EdgeToken.Sensors.Serial;

/// <summary>A protocol decoder fed with raw bytes from a serial link.</summary>
public interface ISerialDecoder
{
    /// <summary>Link health counters.</summary>
    SerialLinkCounters Counters { get; }

    /// <summary>Consumes bytes in arrival order.</summary>
    void Feed(ReadOnlySpan<byte> bytes);

    /// <summary>Drops any partial frame or line, e.g. after the link was reopened.</summary>
    void Reset();
}
