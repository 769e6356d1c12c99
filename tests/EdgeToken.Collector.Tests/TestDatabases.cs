using EdgeToken.Collector.Storage;
using Npgsql;

namespace EdgeToken.Collector.Tests;

/// <summary>A fresh, empty database per test: a temp SQLite file, or a new database in the test script's PostgreSQL.</summary>
public static class TestDatabases
{
    public static DatabaseLocation NewSqlite()
    {
        string dir = Path.Combine(Path.GetTempPath(), "edgetoken-collector-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return new DatabaseLocation("sqlite", Path.Combine(dir, "fleet.db"));
    }

    public static async Task<DatabaseLocation> NewPostgresAsync()
    {
        string admin = Environment.GetEnvironmentVariable("EDGETOKEN_POSTGRES") ?? throw new InvalidOperationException("EDGETOKEN_POSTGRES is not set");
        string name = "et_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new DatabaseLocation("postgres", new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }
}
