namespace EdgeToken.Sensors.Serial;

/// <summary>
/// Health of a serial sensor link. Every byte that did not become a sample is accounted for in
/// one of these, so a noisy cable or a firmware bug is visible rather than silent.
/// </summary>
/// <remarks>Written by the decoding thread, read by anyone; values are individually atomic 64-bit reads on 64-bit targets.</remarks>
public sealed class SerialLinkCounters
{
    /// <summary>Bytes read from the link.</summary>
    public long BytesReceived { get; internal set; }

    /// <summary>Frames that passed every check and were delivered.</summary>
    public long FramesDecoded { get; internal set; }

    /// <summary>Delimited blocks that were not valid COBS (line noise, a lost byte).</summary>
    public long CobsErrors { get; internal set; }

    /// <summary>Frames whose CRC-16 did not match.</summary>
    public long CrcErrors { get; internal set; }

    /// <summary>Frames shorter than their header says (or shorter than a header).</summary>
    public long TruncatedFrames { get; internal set; }

    /// <summary>Runs of bytes longer than any valid frame without a delimiter (garbage, wrong baud rate); discarded up to the next 0x00.</summary>
    public long OversizedFrames { get; internal set; }

    /// <summary>Frames with a version or sample format this decoder does not know.</summary>
    public long UnsupportedFrames { get; internal set; }

    /// <summary>Times the sequence number skipped ahead.</summary>
    public long SequenceGaps { get; internal set; }

    /// <summary>Frames lost according to the sequence numbers.</summary>
    public long MissedFrames { get; internal set; }

    /// <summary>Text lines that could not be parsed (CSV mode).</summary>
    public long MalformedLines { get; internal set; }

    /// <summary>Frames the ring did not accept (see the ring's own counters for which policy dropped them).</summary>
    public long RingRejections { get; internal set; }

    /// <summary>Times the link was lost and reopened.</summary>
    public long Reconnects { get; internal set; }

    /// <summary>All frames that were rejected by a check.</summary>
    public long RejectedFrames => CobsErrors + CrcErrors + TruncatedFrames + OversizedFrames + UnsupportedFrames;
}
