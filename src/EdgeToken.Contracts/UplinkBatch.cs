namespace EdgeToken.Contracts;

/// <summary>
/// What a device sends upstream in one HTTP request or one MQTT message: records from its outbox, in
/// sequence order. See docs/wire-format.md. The receiver stores each (device, sequence) once, so sending a
/// batch again changes nothing.
/// </summary>
/// <param name="Format">Always <see cref="WireFormat.Version"/>; a receiver refuses other versions with 400.</param>
/// <param name="DeviceId">The sending device; must match the credential it authenticates with.</param>
/// <param name="Records">1 to <see cref="WireFormat.MaxRecordsPerBatch"/> records, sequences strictly increasing.</param>
public sealed record UplinkBatch(string Format, string DeviceId, IReadOnlyList<UplinkRecord> Records);

/// <summary>One outbox record. Exactly the payload property that matches <see cref="Kind"/> is set.</summary>
/// <param name="Sequence">Per-device, monotonic from 1, never reused (it survives restarts with the outbox).</param>
/// <param name="Time">When the record was produced on the device (UTC).</param>
public sealed record UplinkRecord(
    long Sequence,
    RecordKind Kind,
    DateTimeOffset Time,
    SummaryPayload? Summary = null,
    EventPayload? Event = null,
    HeartbeatPayload? Heartbeat = null,
    LifecyclePayload? Lifecycle = null,
    DropReportPayload? DropReport = null);

public enum RecordKind
{
    /// <summary>Per pipeline and interval: counts, score statistics, class histogram, front-end health.</summary>
    Summary,
    /// <summary>A threshold crossing after debounce, with a short context.</summary>
    Event,
    /// <summary>Periodic health and versions.</summary>
    Heartbeat,
    /// <summary>The device came online (also sent as the retained MQTT state).</summary>
    Birth,
    /// <summary>The device is going offline (graceful stop; MQTT's will carries the same for a crash).</summary>
    Death,
    /// <summary>The outbox dropped records to stay within its disk budget: what and how many.</summary>
    DropReport,
}
