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
        // Every writer takes row locks in device order (and each batch's sequences increase), so two writers
        // whose groups hold the same devices wait for each other instead of deadlocking.
        group.Sort((a, b) => string.CompareOrdinal(a.Batch.DeviceId, b.Batch.DeviceId));
        using var gate = await EnterWriteAsync(CancellationToken.None);
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync();
        var answers = HasArrays ? await WriteWithArraysAsync(connection, tx, group) : await WriteOneByOneAsync(connection, tx, group);
        await tx.CommitAsync();
        return answers;
    }

    /// <summary>SQLite runs in-process, so a statement costs no round trip: write record by record, derived rows only for new records.</summary>
    static async Task<IngestResponse[]> WriteOneByOneAsync(DbConnection connection, DbTransaction tx, List<PendingBatch> group)
    {
        var answers = new IngestResponse[group.Count];
        for (int i = 0; i < group.Count; i++)
        {
            var (batch, tally) = (group[i].Batch, new Tally());
            foreach (var record in batch.Records)
            {
                await using var insert = RecordInsert(batch.DeviceId, record, group[i]).Command(connection, tx);
                bool added = await insert.ExecuteNonQueryAsync() == 1;
                tally.Count(record, added);
                if (!added) continue;
                foreach (var statement in DerivedStatements(batch.DeviceId, record))
                {
                    await using var derived = statement.Command(connection, tx);
                    await derived.ExecuteNonQueryAsync();
                }
            }
            await using var update = DeviceUpdate(group[i], tally).Command(connection, tx);
            answers[i] = tally.Answer(await update.ExecuteScalarAsync());
        }
        return answers;
    }

    static Statement RecordInsert(string deviceId, UplinkRecord record, PendingBatch pending) => new(
        """
        INSERT INTO records (device_id, sequence, kind, time_ms, received_ms, received_by, payload)
        VALUES (@rd, @rs, @rk, @rt, @rr, @rb, @rp) ON CONFLICT (device_id, sequence) DO NOTHING
        """, [("rd", deviceId), ("rs", record.Sequence), ("rk", KindName(record.Kind)), ("rt", record.Time.ToUnixTimeMilliseconds()),
        ("rr", pending.ReceivedAt.ToUnixTimeMilliseconds()), ("rb", pending.ReceivedBy), ("rp", JsonSerializer.Serialize(record, WireJsonContext.Default.UplinkRecord))]);

    static Statement RecordWithDerived(string deviceId, UplinkRecord record, PendingBatch pending)
    {
        var insert = RecordInsert(deviceId, record, pending);
        var sql = new System.Text.StringBuilder("WITH ins AS (").Append(insert.Sql).Append(" RETURNING 1)");
        var parameters = new List<(string Name, object? Value)>(insert.Parameters);
        int n = 0;
        foreach (var derived in DerivedStatements(deviceId, record, onlyIfNew: true))
        {
            sql.Append($", derived{n++} AS (").Append(derived.Sql).Append(" RETURNING 1)");
            foreach (var p in derived.Parameters)
                if (!parameters.Exists(x => x.Name == p.Name)) parameters.Add(p); // a record's derived rows share @d, @s, @t... with one value each
        }
        return new(sql.Append(" SELECT COUNT(*) FROM ins").ToString(), [.. parameters]);
    }

    // Duplicates are records already held, so the highest sequence held is the larger of the old one and this batch's.
    static Statement DeviceUpdate(PendingBatch pending, Tally tally) => new(
        """
        UPDATE devices SET
          last_seen_ms = CASE WHEN last_seen_ms IS NULL OR last_seen_ms < @t THEN @t ELSE last_seen_ms END,
          records_received = records_received + @n, bytes_received = bytes_received + @bytes,
          batches_received = batches_received + 1, records_dropped = records_dropped + @dropped,
          agent_version = COALESCE(@v, agent_version),
          highest_sequence = CASE WHEN highest_sequence < @max THEN @max ELSE highest_sequence END
        WHERE device_id = @d
        RETURNING highest_sequence
        """, [("d", pending.Batch.DeviceId), ("t", pending.ReceivedAt.ToUnixTimeMilliseconds()), ("n", (long)tally.Accepted), ("bytes", (long)pending.WireBytes),
        ("dropped", tally.Dropped), ("v", tally.AgentVersion), ("max", tally.MaxSequence)]);

    /// <summary>What one batch came to, record by record.</summary>
    sealed class Tally
    {
        public int Accepted, Duplicates;
        public long Dropped, MaxSequence;
        public string? AgentVersion;

        public void Count(UplinkRecord record, bool added)
        {
            MaxSequence = Math.Max(MaxSequence, record.Sequence);
            AgentVersion = record.Heartbeat?.AgentVersion ?? record.Lifecycle?.AgentVersion ?? AgentVersion;
            if (!added) { Duplicates++; return; }
            Accepted++;
            if (record.DropReport is { } drop) foreach (long n in drop.DroppedByKind.Values) Dropped += n;
        }

        public IngestResponse Answer(object? highest) =>
            new(Accepted, Duplicates, highest is null or DBNull ? MaxSequence : Convert.ToInt64(highest));
    }
}
