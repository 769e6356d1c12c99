using System.Text.Json.Serialization;

namespace EdgeToken.Contracts;

/// <summary>One pipeline over one summary interval.</summary>
/// <param name="SecondsAboveThreshold">Time the decision was positive (anomaly above threshold, or a fault class).</param>
/// <param name="ClassHistogram">Windows per class label, for classifiers; null for anomaly scores and regressors.</param>
public sealed record SummaryPayload(
    string Pipeline,
    DateTimeOffset From,
    DateTimeOffset To,
    long Tokens,
    long Windows,
    ScoreStatistics Score,
    IReadOnlyDictionary<string, long>? ClassHistogram,
    double SecondsAboveThreshold,
    FrontEndHealth Health,
    LatencyStatistics? Latency = null);

/// <summary>Statistics of the pipeline's score (anomaly score, or the top class probability).</summary>
public sealed record ScoreStatistics(double Min, double Mean, double Max, double P95);

/// <summary>Inference latency over the interval, in microseconds.</summary>
public sealed record LatencyStatistics(double P50, double P99, double Max);

/// <summary>What the sensor front-end saw go wrong in the interval. Never silent: every drop is counted.</summary>
public sealed record FrontEndHealth(long Gaps, long ClockJumps, long CrcErrors, long Garbage, long DroppedTokens);

/// <summary>A threshold crossing after debounce.</summary>
/// <param name="Label">The class label, for classifiers; null for anomaly scores.</param>
/// <param name="Context">A short context: the window's features or a downsampled snippet of the raw signal.</param>
/// <param name="Rising">True when the decision turned positive, false when it cleared.</param>
public sealed record EventPayload(
    string Pipeline,
    string? Label,
    double Score,
    double Threshold,
    bool Rising,
    string ContextKind,
    float[] Context);

public sealed record HeartbeatPayload(
    string AgentVersion,
    IReadOnlyDictionary<string, string> PipelineVersions,
    double UptimeSeconds,
    long OutboxRecords,
    long OutboxBytes,
    long RawBytesProcessed,
    long UplinkBytesSent);

/// <summary>Birth or death of a device's agent: a <see cref="RecordKind.Birth"/> / <see cref="RecordKind.Death"/>
/// record, and the retained MQTT state (birth on connect, the will and a graceful stop are deaths).</summary>
/// <param name="Reason">For humans: "started", "online", "stopped", "connection lost".</param>
/// <param name="State">Since wire revision 2 (<see cref="WireFormat.Revision"/>): birth or death, explicitly. Null in
/// revision 1 payloads; read them with <see cref="ResolveState"/>, never by parsing <paramref name="Reason"/> yourself.</param>
/// <param name="Graceful">Since revision 2, deaths only: true for a stop that flushed the outbox, false for the MQTT
/// will (the broker saw the connection drop: a crash, a power cut, a lost link).</param>
public sealed record LifecyclePayload(string AgentVersion, string Reason, LifecycleState? State = null, bool? Graceful = null)
{
    /// <summary>A birth on start (record) or on connect (MQTT state).</summary>
    public static LifecyclePayload Birth(string agentVersion, string reason) => new(agentVersion, reason, LifecycleState.Birth);

    /// <summary>A death: <paramref name="graceful"/> for a stop, false for the MQTT will.</summary>
    public static LifecyclePayload Death(string agentVersion, string reason, bool graceful) => new(agentVersion, reason, LifecycleState.Death, graceful);

    /// <summary>The explicit <see cref="State"/>; for a revision 1 payload (no state), what its reason said: revision 1
    /// agents wrote "online" or "started" for a birth and anything else ("stopped", "connection lost") for a death.</summary>
    public LifecycleState ResolveState() => State ?? (Reason == "started" || Reason.Contains("online", StringComparison.OrdinalIgnoreCase)
        || Reason.Contains("birth", StringComparison.OrdinalIgnoreCase)
        ? LifecycleState.Birth
        : LifecycleState.Death);
}

/// <summary>Whether a device's agent came online or went away (serialised "birth" / "death").</summary>
/// <remarks>Member names are spelled out: the context's camelCase enum policy does not reach a nullable enum property.</remarks>
public enum LifecycleState
{
    [JsonStringEnumMemberName("birth")] Birth,
    [JsonStringEnumMemberName("death")] Death,
}

/// <summary>Records the outbox dropped to stay within its disk budget, by kind, and the sequence range they came from.</summary>
public sealed record DropReportPayload(IReadOnlyDictionary<string, long> DroppedByKind, long FirstSequence, long LastSequence, string Reason);

/// <summary>The collector's answer to an accepted batch.</summary>
/// <param name="Accepted">Records stored now.</param>
/// <param name="Duplicates">Records it already had (a replay), which changed nothing.</param>
/// <param name="HighestSequence">The highest sequence the collector holds for this device.</param>
public sealed record IngestResponse(int Accepted, int Duplicates, long HighestSequence);

/// <summary>A refused request: a stable machine-readable code and a sentence for humans.</summary>
public sealed record IngestError(string Code, string Message);
