using EdgeToken.Contracts;

namespace EdgeToken.Collector.Tests;

/// <summary>Records as an agent would send them.</summary>
public static class Batches
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);

    public static UplinkRecord Summary(long sequence, double mean = 0.05, string? topClass = null) => new(sequence, RecordKind.Summary, T0.AddSeconds(sequence),
        Summary: new SummaryPayload("bearing", T0.AddSeconds(sequence - 1), T0.AddSeconds(sequence), 768_000, 375,
            new ScoreStatistics(mean / 5, mean, mean * 6, mean * 2.4), topClass is null ? null : new Dictionary<string, long> { [topClass] = 300, ["healthy"] = 75 },
            0, new FrontEndHealth(0, 0, 2, 0, 0)));

    public static UplinkRecord Event(long sequence, double score = 0.9, bool rising = true) => new(sequence, RecordKind.Event, T0.AddSeconds(sequence),
        Event: new EventPayload("bearing", "outer-race", score, 0.5, rising, "envelope-spectrum", [0.1f, 0.4f, 0.9f, 0.3f, 0.2f]));

    public static UplinkRecord Heartbeat(long sequence) => new(sequence, RecordKind.Heartbeat, T0.AddSeconds(sequence),
        Heartbeat: new HeartbeatPayload("0.1.0", new Dictionary<string, string> { ["bearing"] = "1" }, 60, 0, 0, 1_000_000, 1000));

    /// <summary>A birth or death; <paramref name="revision1"/> leaves out the explicit state, as agents before wire revision 2 did.</summary>
    public static UplinkRecord Lifecycle(long sequence, bool birth, bool revision1 = false) => new(sequence, birth ? RecordKind.Birth : RecordKind.Death, T0.AddSeconds(sequence),
        Lifecycle: revision1 ? new LifecyclePayload("0.1.0", birth ? "started" : "stopped")
            : birth ? LifecyclePayload.Birth("0.1.0", "started") : LifecyclePayload.Death("0.1.0", "stopped", graceful: true));

    public static UplinkBatch Of(string device, params UplinkRecord[] records) => new(WireFormat.Version, device, records);

    public static UplinkBatch Summaries(string device, long from, int count) =>
        Of(device, Enumerable.Range(0, count).Select(i => Summary(from + i)).ToArray());
}
