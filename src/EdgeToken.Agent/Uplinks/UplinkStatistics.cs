namespace EdgeToken.Agent.Uplinks;

/// <summary>What the sender moved; read by heartbeats and the data-reduction figure.</summary>
public sealed class UplinkStatistics
{
    private long _batches, _records, _bytes, _failures;

    public long Batches => Interlocked.Read(ref _batches);
    public long Records => Interlocked.Read(ref _records);
    /// <summary>Bytes put on the wire (after compression when the uplink compresses; before, for MQTT).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Failures => Interlocked.Read(ref _failures);

    internal void Delivered(int records, long bytes)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _records, records);
        Interlocked.Add(ref _bytes, bytes);
    }

    internal void Failed() => Interlocked.Increment(ref _failures);
}
