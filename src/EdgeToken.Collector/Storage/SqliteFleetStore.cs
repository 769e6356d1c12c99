using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace EdgeToken.Collector.Storage;

/// <summary>
/// The embedded default: one file, no setup. WAL lets the dashboard read while ingest writes; writes go through
/// one gate because SQLite has one writer, and a waiting writer is cheaper in a queue than in a busy loop.
/// </summary>
/// <remarks>
/// synchronous=FULL: a batch the collector answered 200 to is on disk, because the agent deletes it from its
/// outbox on that answer. NORMAL would be faster and could lose the last answered batches on a power cut.
/// </remarks>
public sealed class SqliteFleetStore : SqlFleetStore
{
    readonly string _connectionString;
    readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteFleetStore(string path)
    {
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL";
        wal.ExecuteNonQuery();
        Path = path;
    }

    public string Path { get; }

    public override string Provider => "sqlite";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancel)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancel);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON";
        await pragma.ExecuteNonQueryAsync(cancel);
        return connection;
    }

    // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default transaction) already takes the write lock across processes.
    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction tx, CancellationToken cancel) => Task.CompletedTask;

    protected override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancel)
    {
        await _writer.WaitAsync(cancel);
        return new Release(_writer);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
