using EdgeToken.Contracts;

namespace EdgeToken.Collector.Storage;

/// <summary>
/// Where the collector keeps the fleet. SQLite (<see cref="SqliteFleetStore"/>) and PostgreSQL
/// (<see cref="PostgresFleetStore"/>) implement it with the same schema and the same migrations.
/// </summary>
public interface IFleetStore : IAsyncDisposable
{
    /// <summary>Which database this is, for logs and reports: "sqlite" or "postgres".</summary>
    string Provider { get; }

    /// <summary>Brings the schema up to the newest migration; safe when several collectors start at once.</summary>
    Task<int> MigrateAsync(CancellationToken cancel = default);

    Task<int> SchemaVersionAsync(CancellationToken cancel = default);

    Task<DeviceCredential?> FindDeviceAsync(string deviceId, CancellationToken cancel = default);

    /// <summary>Registers a device (or replaces the credential of one), un-revoking it.</summary>
    Task RegisterDeviceAsync(string deviceId, string tokenSalt, string tokenHash, DateTimeOffset now, CancellationToken cancel = default);

    Task<bool> RevokeDeviceAsync(string deviceId, DateTimeOffset now, CancellationToken cancel = default);

    /// <summary>
    /// Stores a validated batch in one transaction: each (device, sequence) once, derived rows (summaries,
    /// events, alerts) only for records new to the store. A replay stores nothing and counts duplicates.
    /// </summary>
    Task<IngestResponse> StoreBatchAsync(UplinkBatch batch, int wireBytes, string receivedBy, DateTimeOffset receivedAt, CancellationToken cancel = default);

    /// <summary>The retained MQTT state of a device: birth or death (a will when it crashed).</summary>
    Task SetDeviceStateAsync(string deviceId, string state, string? agentVersion, DateTimeOffset at, CancellationToken cancel = default);

    Task<IReadOnlyList<DeviceOverview>> DevicesAsync(CancellationToken cancel = default);

    Task<IReadOnlyList<SummaryPoint>> SummariesAsync(string deviceId, int limit, CancellationToken cancel = default);

    Task<IReadOnlyList<EventRow>> EventsAsync(string deviceId, int limit, CancellationToken cancel = default);

    Task<IReadOnlyList<AlertRow>> AlertsAsync(bool activeOnly, string? deviceId, CancellationToken cancel = default);

    /// <summary>Acknowledges an alert with who, when and why; false when there is no such alert or it was acknowledged already.</summary>
    Task<bool> AcknowledgeAlertAsync(string deviceId, long sequence, string user, string comment, DateTimeOffset at, CancellationToken cancel = default);

    Task<FleetTotals> TotalsAsync(CancellationToken cancel = default);

    /// <summary>Records held, per collector instance that stored them (to see several collectors split a stream).</summary>
    Task<IReadOnlyDictionary<string, long>> RecordsByCollectorAsync(CancellationToken cancel = default);

    Task<long> CountRecordsAsync(string? deviceId, CancellationToken cancel = default);

    Task<IReadOnlyList<long>> SequencesAsync(string deviceId, CancellationToken cancel = default);

    Task AddUserAsync(string userName, string salt, string hash, int iterations, DateTimeOffset now, CancellationToken cancel = default);

    Task<UserCredential?> FindUserAsync(string userName, CancellationToken cancel = default);
}
