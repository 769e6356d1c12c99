using System.Data.Common;

namespace EdgeToken.Collector.Storage;

/// <summary>One SQL statement with its @parameters, to run on its own or as part of a <see cref="DbBatch"/>.</summary>
internal readonly record struct Statement(string Sql, (string Name, object? Value)[] Parameters)
{
    public DbCommand Command(DbConnection connection, DbTransaction tx) => Storage.Sql.Command(connection, tx, Sql, Parameters);

    public void AddTo(DbBatch batch) => batch.BatchCommands.Add(ToBatchCommand(batch));

    public DbBatchCommand ToBatchCommand(DbBatch batch)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = Sql;
        Storage.Sql.Bind(command.Parameters, command.CreateParameter, Parameters);
        return command;
    }
}
