using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using EdgeToken.Contracts;

namespace EdgeToken.Collector.Storage;

/// <summary>
/// Group commit: batches that arrive while a transaction is being written wait, and are written together in the
/// next one. Every answered batch is durable (one fsync per group instead of per batch), and each batch is still
/// all or nothing: when a group fails, its batches are written again one transaction each, so one bad batch
/// cannot take the others down with it.
/// </summary>
public abstract partial class SqlFleetStore
{
    /// <remarks>Large enough that a full group's transaction stays in the milliseconds; small enough that a
    /// failure replayed batch by batch costs little.</remarks>
    const int MaxGroup = 128;

    sealed record PendingBatch(UplinkBatch Batch, int WireBytes, string ReceivedBy, DateTimeOffset ReceivedAt, TaskCompletionSource<IngestResponse> Done);

    readonly Channel<PendingBatch> _pending = Channel.CreateUnbounded<PendingBatch>(new UnboundedChannelOptions { SingleWriter = false });
    readonly Lock _writersLock = new();
    Task[]? _writers;

    /// <summary>How many transactions write at once: one for SQLite (one writer), several for PostgreSQL.</summary>
    protected virtual int Writers => 1;

    public Task<IngestResponse> StoreBatchAsync(UplinkBatch batch, int wireBytes, string receivedBy, DateTimeOffset receivedAt, CancellationToken cancel = default)
    {
        if (_writers is null)
            lock (_writersLock)
                _writers ??= Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
        var pending = new PendingBatch(batch, wireBytes, receivedBy, receivedAt, new TaskCompletionSource<IngestResponse>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending)) throw new InvalidOperationException("the store is shutting down");
        // A client that gives up does not cancel the write: it may already be part of a group's transaction.
        return pending.Done.Task.WaitAsync(cancel);
    }

    async Task StopWritersAsync()
    {
        _pending.Writer.TryComplete();
        if (_writers is { } writers) await Task.WhenAll(writers);
    }

    async Task WriteLoopAsync()
    {
        var group = new List<PendingBatch>(MaxGroup);
        while (await _pending.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _pending.Reader.TryRead(out var next)) group.Add(next);
            if (group.Count == 0) continue;
            try
            {
                var answers = await WriteGroupAsync(group);
                for (int i = 0; i < group.Count; i++) group[i].Done.TrySetResult(answers[i]);
            }
            catch (Exception) when (group.Count > 1)
            {
                foreach (var one in group)
                {
                    try { one.Done.TrySetResult((await WriteGroupAsync([one]))[0]); }
                    catch (Exception e) { one.Done.TrySetException(e); }
                }
            }
            catch (Exception e)
            {
                group[0].Done.TrySetException(e);
            }
        }
    }

    async Task<IngestResponse[]> WriteGroupAsync(List<PendingBatch> group)
    {
        using var gate = await EnterWriteAsync(CancellationToken.None);
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync();
        var answers = new IngestResponse[group.Count];
        await using var insert = Sql.Command(connection, tx,
            """
            INSERT INTO records (device_id, sequence, kind, time_ms, received_ms, received_by, payload)
            VALUES (@d, @s, @k, @t, @r, @b, @p) ON CONFLICT (device_id, sequence) DO NOTHING
            """, ("d", ""), ("s", 0L), ("k", ""), ("t", 0L), ("r", 0L), ("b", ""), ("p", ""));
        for (int i = 0; i < group.Count; i++)
            answers[i] = await WriteBatchAsync(connection, tx, insert, group[i]);
        await tx.CommitAsync();
        return answers;
    }

    static async Task<IngestResponse> WriteBatchAsync(DbConnection connection, DbTransaction tx, DbCommand insert, PendingBatch pending)
    {
        var batch = pending.Batch;
        var cancel = CancellationToken.None;
        int accepted = 0, duplicates = 0;
        long dropped = 0, maxSequence = 0;
        insert.Parameters["d"].Value = batch.DeviceId;
        insert.Parameters["r"].Value = pending.ReceivedAt.ToUnixTimeMilliseconds();
        insert.Parameters["b"].Value = pending.ReceivedBy;
        string? agentVersion = null;
        foreach (var record in batch.Records)
        {
            maxSequence = Math.Max(maxSequence, record.Sequence);
            agentVersion = record.Heartbeat?.AgentVersion ?? record.Lifecycle?.AgentVersion ?? agentVersion;
            insert.Parameters["s"].Value = record.Sequence;
            insert.Parameters["k"].Value = KindName(record.Kind);
            insert.Parameters["t"].Value = record.Time.ToUnixTimeMilliseconds();
            insert.Parameters["p"].Value = JsonSerializer.Serialize(record, WireJsonContext.Default.UplinkRecord);
            if (await insert.ExecuteNonQueryAsync(cancel) == 0) { duplicates++; continue; }
            accepted++;
            await StoreDerivedAsync(connection, tx, batch.DeviceId, record, cancel);
            if (record.DropReport is { } drop) foreach (long n in drop.DroppedByKind.Values) dropped += n;
        }
        // Duplicates are records already held, so the highest sequence held is the larger of the old one and this batch's.
        object? highest = await Sql.ScalarAsync(connection, tx,
            """
            UPDATE devices SET
              last_seen_ms = CASE WHEN last_seen_ms IS NULL OR last_seen_ms < @t THEN @t ELSE last_seen_ms END,
              records_received = records_received + @n, bytes_received = bytes_received + @bytes,
              batches_received = batches_received + 1, records_dropped = records_dropped + @dropped,
              agent_version = COALESCE(@v, agent_version),
              highest_sequence = CASE WHEN highest_sequence < @max THEN @max ELSE highest_sequence END
            WHERE device_id = @d
            RETURNING highest_sequence
            """, cancel, ("d", batch.DeviceId), ("t", pending.ReceivedAt.ToUnixTimeMilliseconds()), ("n", (long)accepted), ("bytes", (long)pending.WireBytes),
            ("dropped", dropped), ("v", agentVersion), ("max", maxSequence));
        return new IngestResponse(accepted, duplicates, highest is null ? maxSequence : Convert.ToInt64(highest));
    }
}
