using System.Data.Common;

namespace EdgeToken.Collector.Storage;

/// <summary>One SQL statement with its @parameters, to run on its own or as part of a <see cref="DbBatch"/>.</summary>
internal readonly record struct Statement(string Sql, (string Name, object? Value)[] Parameters)
{
    public DbCommand Command(DbConnection connection, DbTransaction tx) => Storage.Sql.Command(connection, tx, Sql, Parameters);

    public void AddTo(DbBatch batch)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = Sql;
        foreach (var (name, value) in Parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        batch.BatchCommands.Add(command);
    }
}
