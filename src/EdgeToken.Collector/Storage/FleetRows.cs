namespace EdgeToken.Collector.Storage;

public sealed record DeviceCredential(string DeviceId, string TokenSalt, string TokenHash, DateTimeOffset? RevokedAt);

public sealed record UserCredential(string UserName, string Salt, string Hash, int Iterations);

/// <summary>One line of the fleet page.</summary>
public sealed record DeviceOverview(
    string DeviceId,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastSeen,
    long RecordsReceived,
    long BytesReceived,
    long BatchesReceived,
    long RecordsDropped,
    string? State,
    string? AgentVersion,
    int ActiveAlerts,
    double? LatestScore);

public sealed record SummaryPoint(
    long Sequence, string Pipeline, DateTimeOffset From, DateTimeOffset To, long Tokens, long Windows,
    double ScoreMin, double ScoreMean, double ScoreMax, double ScoreP95, double SecondsAboveThreshold,
    string? TopClass, long HealthProblems);

public sealed record EventRow(
    long Sequence, DateTimeOffset Time, string Pipeline, string? Label, double Score, double Threshold, bool Rising,
    string ContextKind, float[] Context);

public sealed record AlertRow(
    string DeviceId, long Sequence, DateTimeOffset RaisedAt, string Pipeline, string? Label, double Score,
    string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, string? Comment);

public sealed record FleetTotals(int Devices, int RevokedDevices, long Records, long Bytes, int ActiveAlerts);
