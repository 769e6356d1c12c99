namespace EdgeToken.Agent.Sources;

/// <summary>Link-level problems a source counted since it started: frames that failed their CRC, and
/// bytes that were not a frame at all (bad framing, truncated, oversized, unknown format).</summary>
public readonly record struct SourceHealth(long CrcErrors, long Garbage);
