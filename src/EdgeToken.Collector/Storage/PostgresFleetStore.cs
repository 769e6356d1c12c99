using System.Data.Common;
using Npgsql;

namespace EdgeToken.Collector.Storage;

/// <summary>
/// PostgreSQL for a fleet: several collectors share one database. Deduplication is the primary key on
/// (device_id, sequence) with ON CONFLICT DO NOTHING, so two collectors racing on one record store it once.
/// </summary>
public sealed class PostgresFleetStore(string connectionString) : SqlFleetStore
{
    // An arbitrary constant: the advisory lock's key for "migrating the EdgeToken schema".
    const long MigrationLockKey = 0x45_64_67_65_54_6F_6B;

    // Auto-prepare: the ingest statements run thousands of times a second; parsing them once per connection is enough.
    readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 32 }.ConnectionString);

    public override string Provider => "postgres";

    /// <remarks>PostgreSQL commits concurrent transactions in parallel; a few writers keep its round trips overlapped.</remarks>
    protected override int Writers => 8;

    protected override bool HasArrays => true;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancel) => await _dataSource.OpenConnectionAsync(cancel);

    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction tx, CancellationToken cancel) =>
        await Sql.ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@k)", cancel, ("k", MigrationLockKey));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
