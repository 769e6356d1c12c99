using EdgeToken.Contracts;

namespace EdgeToken.Agent.Tests;

/// <summary>Drafts of each record kind, for outbox and uplink tests.</summary>
internal static class Records
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);

    public static UplinkRecord Summary(int i) => new(0, RecordKind.Summary, T0.AddSeconds(i), Summary: new SummaryPayload(
        "bearing", T0.AddSeconds(i - 1), T0.AddSeconds(i), 25_600, 12, new ScoreStatistics(0.01, 0.05 + i * 1e-6, 0.3, 0.12),
        null, 0, new FrontEndHealth(0, 0, 0, 0, 0)));

    public static UplinkRecord Heartbeat(int i) => new(0, RecordKind.Heartbeat, T0.AddSeconds(i), Heartbeat: new HeartbeatPayload(
        "0.1.0", new Dictionary<string, string> { ["bearing"] = "abc" }, i, 0, 0, 0, 0));

    public static UplinkRecord Event(int i, int contextLength = 256) => new(0, RecordKind.Event, T0.AddSeconds(i), Event: new EventPayload(
        "bearing", null, 0.9, 0.5, true, "snippet", Enumerable.Range(0, contextLength).Select(k => (float)Math.Sin(k * 0.1 + i)).ToArray()));
}
