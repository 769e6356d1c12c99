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

    readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override string Provider => "postgres";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancel) => await _dataSource.OpenConnectionAsync(cancel);

    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction tx, CancellationToken cancel) =>
        await Sql.ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@k)", cancel, ("k", MigrationLockKey));

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
