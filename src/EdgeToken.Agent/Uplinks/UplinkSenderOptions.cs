namespace EdgeToken.Agent.Uplinks;

public sealed class UplinkSenderOptions
{
    public int MaxRecordsPerBatch { get; init; } = Contracts.WireFormat.MaxRecordsPerBatch;
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Longest wait between attempts while the link is down; it bounds how late the first upload
    /// after an outage can be when no network-change notification arrives.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Optional cap on uplink bytes per second (metered links); null sends as fast as the link allows.</summary>
    public long? BandwidthBytesPerSecond { get; init; }
}
