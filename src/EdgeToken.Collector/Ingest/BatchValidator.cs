using EdgeToken.Contracts;

namespace EdgeToken.Collector.Ingest;

/// <summary>
/// Checks a decoded batch against docs/wire-format.md before anything is stored: the format version, the
/// device, 1..1000 records with strictly increasing sequences, and exactly the payload each kind calls for.
/// </summary>
public static class BatchValidator
{
    /// <remarks>Generous for names a person or a manifest gives; a longer one is a bug or an attack.</remarks>
    public const int MaxNameLength = 200;

    /// <remarks>An event's context is "a short context": 4096 values is 16 KiB of floats, far beyond any snippet.</remarks>
    public const int MaxContextValues = 4096;

    public static IngestError? Validate(UplinkBatch batch)
    {
        if (batch.Format != WireFormat.Version)
            return new("unsupported_format", $"format is \"{batch.Format}\"; this collector reads \"{WireFormat.Version}\" (update the agent or the collector so they agree)");
        if (string.IsNullOrEmpty(batch.DeviceId) || batch.DeviceId.Length > MaxNameLength)
            return new("missing_device", $"deviceId must be 1 to {MaxNameLength} characters");
        if (batch.Records is null || batch.Records.Count == 0)
            return new("empty_batch", "a batch carries 1 or more records");
        long previous = 0;
        for (int i = 0; i < batch.Records.Count; i++)
        {
            var record = batch.Records[i];
            if (record is null) return new("invalid_record", $"records[{i}] is null");
            string where = $"records[{i}] (sequence {record.Sequence})";
            if (record.Sequence < 1) return new("invalid_sequence", $"{where}: sequences start at 1");
            if (record.Sequence <= previous)
                return new("sequence_not_increasing", $"{where}: sequences in a batch must strictly increase, but it follows sequence {previous}");
            previous = record.Sequence;
            if (record.Time == default) return new("missing_time", $"{where}: time is missing");
            if (PayloadProblem(record) is { } problem) return new("payload_mismatch", $"{where}: {problem}");
        }
        return null;
    }

    static string? PayloadProblem(UplinkRecord r)
    {
        int set = (r.Summary is null ? 0 : 1) + (r.Event is null ? 0 : 1) + (r.Heartbeat is null ? 0 : 1) + (r.Lifecycle is null ? 0 : 1) + (r.DropReport is null ? 0 : 1);
        string kind = Storage.SqlFleetStore.KindName(r.Kind);
        string? missing = r.Kind switch
        {
            RecordKind.Summary when r.Summary is null => "summary",
            RecordKind.Event when r.Event is null => "event",
            RecordKind.Heartbeat when r.Heartbeat is null => "heartbeat",
            RecordKind.Birth or RecordKind.Death when r.Lifecycle is null => "lifecycle",
            RecordKind.DropReport when r.DropReport is null => "dropReport",
            _ => null,
        };
        if (missing is not null) return $"kind is {kind} but the {missing} payload is missing";
        if (set != 1) return $"kind is {kind}, so only its payload may be set, but {set} payloads are";
        return r.Kind switch
        {
            RecordKind.Summary => SummaryProblem(r.Summary!),
            RecordKind.Event => EventProblem(r.Event!),
            RecordKind.Heartbeat => r.Heartbeat!.AgentVersion is null || r.Heartbeat.PipelineVersions is null ? "heartbeat needs agentVersion and pipelineVersions" : null,
            RecordKind.Birth or RecordKind.Death => LifecycleProblem(r.Kind, r.Lifecycle!),
            RecordKind.DropReport => r.DropReport!.DroppedByKind is null || r.DropReport.Reason is null ? "dropReport needs droppedByKind and reason" : null,
            _ => $"unknown kind {r.Kind}",
        };
    }

    static string? LifecycleProblem(RecordKind kind, LifecyclePayload life)
    {
        if (life.AgentVersion is null || life.Reason is null) return "lifecycle needs agentVersion and reason";
        // Revision 2 states it explicitly; a revision 1 payload (no state) is taken by its kind.
        var expected = kind == RecordKind.Birth ? LifecycleState.Birth : LifecycleState.Death;
        if (life.State is { } state && state != expected)
            return $"kind is {Storage.SqlFleetStore.KindName(kind)} but lifecycle.state is {(state == LifecycleState.Birth ? "birth" : "death")}";
        return null;
    }

    static string? SummaryProblem(SummaryPayload s)
    {
        if (!IsName(s.Pipeline)) return $"summary.pipeline must be 1 to {MaxNameLength} characters";
        if (s.Score is null) return "summary.score is missing";
        if (s.Health is null) return "summary.health is missing";
        if (s.Tokens < 0 || s.Windows < 0) return "summary.tokens and summary.windows cannot be negative";
        if (s.To < s.From) return "summary.to is before summary.from";
        return null;
    }

    static string? EventProblem(EventPayload e)
    {
        if (!IsName(e.Pipeline)) return $"event.pipeline must be 1 to {MaxNameLength} characters";
        if (e.Label is { Length: > MaxNameLength }) return $"event.label is longer than {MaxNameLength} characters";
        if (!IsName(e.ContextKind)) return $"event.contextKind must be 1 to {MaxNameLength} characters";
        if (e.Context is null) return "event.context is missing";
        if (e.Context.Length > MaxContextValues) return $"event.context has {e.Context.Length} values; at most {MaxContextValues}";
        return null;
    }

    static bool IsName(string? s) => s is { Length: > 0 and <= MaxNameLength };
}
