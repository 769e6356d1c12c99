using System.Data.Common;

namespace EdgeToken.Collector.Storage;

/// <summary>The few ADO.NET calls the stores make, with @name parameters (both SQLite and Npgsql accept them).</summary>
internal static class Sql
{
    public static DbCommand Command(DbConnection connection, DbTransaction? tx, string text, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = text;
        Bind(command.Parameters, command.CreateParameter, parameters);
        return command;
    }

    /// <summary>Adds @name parameters (null as DBNull) to a command's or a batch command's collection.</summary>
    public static void Bind(DbParameterCollection target, Func<DbParameter> create, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var p = create();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            target.Add(p);
        }
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? tx, string text, CancellationToken cancel, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, text, parameters);
        return await command.ExecuteNonQueryAsync(cancel);
    }

    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? tx, string text, CancellationToken cancel, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, tx, text, parameters);
        object? value = await command.ExecuteScalarAsync(cancel);
        return value is DBNull ? null : value;
    }

    public static async Task<List<T>> QueryAsync<T>(DbConnection connection, string text, Func<DbDataReader, T> map, CancellationToken cancel, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, null, text, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancel)) rows.Add(map(reader));
        return rows;
    }

    // SUM and COUNT come back as long from SQLite and as long or decimal from PostgreSQL.
    public static long Long(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i));

    public static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i));

    public static double Double(DbDataReader r, int i) => Convert.ToDouble(r.GetValue(i));

    public static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
