namespace EdgeToken.Agent.Outbox;

/// <summary>Where the outbox lives and how much disk it may use.</summary>
public sealed class OutboxOptions
{
    /// <summary>A directory the outbox owns: segment files, the acknowledgement file and quarantine/.</summary>
    public required string Directory { get; init; }

    /// <summary>Total bytes of segment files. When a new record would not fit, the outbox drops the least important records and says so in a drop report.</summary>
    public long DiskBudgetBytes { get; init; } = 64L << 20;

    /// <summary>Largest segment before a new one is started. Acknowledged segments are deleted whole, so smaller
    /// segments give disk back sooner; the effective size is also capped at an eighth of the budget.</summary>
    public long SegmentBytes { get; init; } = 1L << 20;

    internal long EffectiveSegmentBytes => Math.Max(4096, Math.Min(SegmentBytes, DiskBudgetBytes / 8));
}

/// <summary>A record as the outbox holds it: its sequence, kind and the UplinkRecord's JSON, ready to send.</summary>
public sealed record StoredRecord(long Sequence, Contracts.RecordKind Kind, byte[] Json);

/// <summary>Counters of what the outbox had to give up, since it was opened.</summary>
public sealed record OutboxLosses(long Dropped, long ContextsStripped, long Quarantined);
