using System.Data.Common;
using System.Text.Json;
using EdgeToken.Contracts;

namespace EdgeToken.Collector.Storage;

/// <summary>
/// PostgreSQL's group write with array parameters: the statement count does not grow with the group. Records
/// with at most a summary row (summaries, heartbeats, drop reports: nearly all traffic) go into one INSERT over
/// <c>unnest</c> of one array per column, their summary rows into the same statement for the records that were
/// new; events and lifecycle records keep their one CTE statement each. Device counters are summed per device
/// and written by one UPDATE, after locking the device rows in device order so concurrent writers cannot
/// deadlock. Still two round trips per group.
/// </summary>
public abstract partial class SqlFleetStore
{
    /// <summary>True where the database takes array parameters and <c>unnest</c> (PostgreSQL).</summary>
    protected virtual bool HasArrays => false;

    const string BulkRecordsSql = """
        WITH ins AS (
          INSERT INTO records (device_id, sequence, kind, time_ms, received_ms, received_by, payload)
          SELECT * FROM unnest(@rd::text[], @rs::bigint[], @rk::text[], @rt::bigint[], @rr::bigint[], @rb::text[], @rp::text[])
          ON CONFLICT (device_id, sequence) DO NOTHING
          RETURNING device_id, sequence),
        sum AS (
          INSERT INTO summaries (device_id, sequence, pipeline, from_ms, to_ms, tokens, windows, score_min, score_mean, score_max, score_p95, seconds_above, top_class, health_problems)
          SELECT u.* FROM unnest(@sd::text[], @ss::bigint[], @sp::text[], @sf::bigint[], @st::bigint[], @stok::bigint[], @sw::bigint[],
                                 @smin::float8[], @smean::float8[], @smax::float8[], @sp95::float8[], @sabove::float8[], @stop::text[], @shealth::bigint[])
               AS u(device_id, sequence, pipeline, from_ms, to_ms, tokens, windows, score_min, score_mean, score_max, score_p95, seconds_above, top_class, health_problems)
          WHERE (u.device_id, u.sequence) IN (SELECT device_id, sequence FROM ins)
          ON CONFLICT (device_id, sequence) DO NOTHING)
        SELECT device_id, sequence FROM ins
        """;

    const string LockDevicesSql = "SELECT 1 FROM devices WHERE device_id = ANY(@d::text[]) ORDER BY device_id FOR UPDATE";

    const string BulkDevicesSql = """
        UPDATE devices d SET
          last_seen_ms = CASE WHEN d.last_seen_ms IS NULL OR d.last_seen_ms < u.t THEN u.t ELSE d.last_seen_ms END,
          records_received = d.records_received + u.n, bytes_received = d.bytes_received + u.bytes,
          batches_received = d.batches_received + u.batches, records_dropped = d.records_dropped + u.dropped,
          agent_version = COALESCE(u.v, d.agent_version),
          highest_sequence = CASE WHEN d.highest_sequence < u.max THEN u.max ELSE d.highest_sequence END
        FROM unnest(@d::text[], @t::bigint[], @n::bigint[], @bytes::bigint[], @batches::bigint[], @dropped::bigint[], @v::text[], @max::bigint[])
             AS u(device_id, t, n, bytes, batches, dropped, v, max)
        WHERE d.device_id = u.device_id
        RETURNING d.device_id, d.highest_sequence
        """;

    static async Task<IngestResponse[]> WriteWithArraysAsync(DbConnection connection, DbTransaction tx, List<PendingBatch> group)
    {
        var records = new RecordColumns();
        var summaries = new SummaryColumns();
        await using var rows = connection.CreateBatch();
        rows.Transaction = tx;
        var singles = new List<(string DeviceId, long Sequence)>();
        // Rows go in in (device, sequence) order, the same total order in every writer of every collector, so two
        // transactions inserting the same records (a batch delivered twice) wait for each other instead of deadlocking.
        var ordered = group.SelectMany(p => p.Batch.Records.Select(r => (Pending: p, Record: r)))
            .OrderBy(x => x.Pending.Batch.DeviceId, StringComparer.Ordinal).ThenBy(x => x.Record.Sequence);
        foreach (var (pending, record) in ordered)
        {
            if (record.Event is not null || record.Lifecycle is not null)
            {
                RecordWithDerived(pending.Batch.DeviceId, record, pending).AddTo(rows);
                singles.Add((pending.Batch.DeviceId, record.Sequence));
                continue;
            }
            records.Add(pending.Batch.DeviceId, record, pending);
            if (record.Summary is { } s) summaries.Add(pending.Batch.DeviceId, record.Sequence, s);
        }
        if (records.Count > 0) rows.BatchCommands.Insert(0, Command(rows, BulkRecordsSql, [.. records.Parameters(), .. summaries.Parameters()]));

        // What the database added, as (device, sequence); a record sent twice within one group is added once.
        var added = new HashSet<(string, long)>();
        await using (var reader = await rows.ExecuteReaderAsync())
        {
            if (records.Count > 0)
            {
                while (await reader.ReadAsync()) added.Add((reader.GetString(0), reader.GetInt64(1)));
                await reader.NextResultAsync();
            }
            foreach (var single in singles)
            {
                if (await reader.ReadAsync() && Convert.ToInt64(reader.GetValue(0)) == 1) added.Add(single);
                await reader.NextResultAsync();
            }
        }

        var tallies = new Tally[group.Count];
        var devices = new SortedDictionary<string, DeviceDelta>(StringComparer.Ordinal);
        for (int i = 0; i < group.Count; i++)
        {
            var batch = group[i].Batch;
            tallies[i] = new Tally();
            foreach (var record in batch.Records) tallies[i].Count(record, added.Remove((batch.DeviceId, record.Sequence)));
            if (!devices.TryGetValue(batch.DeviceId, out var delta)) devices[batch.DeviceId] = delta = new DeviceDelta();
            delta.Add(group[i], tallies[i]);
        }

        await using var update = connection.CreateBatch();
        update.Transaction = tx;
        string[] ids = [.. devices.Keys];
        update.BatchCommands.Add(Command(update, LockDevicesSql, [("d", ids)]));
        update.BatchCommands.Add(Command(update, BulkDevicesSql, [("d", ids),
            ("t", devices.Values.Select(v => v.LastSeen).ToArray()), ("n", devices.Values.Select(v => v.Accepted).ToArray()),
            ("bytes", devices.Values.Select(v => v.Bytes).ToArray()), ("batches", devices.Values.Select(v => v.Batches).ToArray()),
            ("dropped", devices.Values.Select(v => v.Dropped).ToArray()), ("v", devices.Values.Select(v => v.AgentVersion).ToArray()),
            ("max", devices.Values.Select(v => v.MaxSequence).ToArray())]));
        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await update.ExecuteReaderAsync())
        {
            await reader.NextResultAsync(); // past the lock
            while (await reader.ReadAsync()) highest[reader.GetString(0)] = reader.GetInt64(1);
        }
        var answers = new IngestResponse[group.Count];
        for (int i = 0; i < group.Count; i++)
            answers[i] = tallies[i].Answer(highest.TryGetValue(group[i].Batch.DeviceId, out long h) ? h : null);
        return answers;
    }

    static DbBatchCommand Command(DbBatch batch, string sql, (string Name, object? Value)[] parameters) => new Statement(sql, parameters).ToBatchCommand(batch);

    /// <summary>One group's counters for one device, whatever number of its batches the group holds.</summary>
    sealed class DeviceDelta
    {
        public long LastSeen, Accepted, Bytes, Batches, Dropped, MaxSequence;
        public string? AgentVersion;

        public void Add(PendingBatch pending, Tally tally)
        {
            LastSeen = Math.Max(LastSeen, pending.ReceivedAt.ToUnixTimeMilliseconds());
            Accepted += tally.Accepted;
            Bytes += pending.WireBytes;
            Batches++;
            Dropped += tally.Dropped;
            MaxSequence = Math.Max(MaxSequence, tally.MaxSequence);
            AgentVersion = tally.AgentVersion ?? AgentVersion;
        }
    }

    /// <summary>The records table's columns, one array each.</summary>
    sealed class RecordColumns
    {
        readonly List<string> _device = [], _kind = [], _by = [], _payload = [];
        readonly List<long> _sequence = [], _time = [], _received = [];

        public int Count => _device.Count;

        public void Add(string deviceId, UplinkRecord record, PendingBatch pending)
        {
            _device.Add(deviceId);
            _sequence.Add(record.Sequence);
            _kind.Add(KindName(record.Kind));
            _time.Add(record.Time.ToUnixTimeMilliseconds());
            _received.Add(pending.ReceivedAt.ToUnixTimeMilliseconds());
            _by.Add(pending.ReceivedBy);
            _payload.Add(JsonSerializer.Serialize(record, WireJsonContext.Default.UplinkRecord));
        }

        public (string, object?)[] Parameters() =>
            [("rd", _device.ToArray()), ("rs", _sequence.ToArray()), ("rk", _kind.ToArray()), ("rt", _time.ToArray()),
             ("rr", _received.ToArray()), ("rb", _by.ToArray()), ("rp", _payload.ToArray())];
    }

    /// <summary>The summaries table's columns, one array each.</summary>
    sealed class SummaryColumns
    {
        readonly List<string> _device = [], _pipeline = [];
        readonly List<string?> _top = [];
        readonly List<long> _sequence = [], _from = [], _to = [], _tokens = [], _windows = [], _health = [];
        readonly List<double> _min = [], _mean = [], _max = [], _p95 = [], _above = [];

        public void Add(string deviceId, long sequence, SummaryPayload s)
        {
            var h = s.Health;
            _device.Add(deviceId);
            _sequence.Add(sequence);
            _pipeline.Add(s.Pipeline);
            _from.Add(s.From.ToUnixTimeMilliseconds());
            _to.Add(s.To.ToUnixTimeMilliseconds());
            _tokens.Add(s.Tokens);
            _windows.Add(s.Windows);
            _min.Add(s.Score.Min);
            _mean.Add(s.Score.Mean);
            _max.Add(s.Score.Max);
            _p95.Add(s.Score.P95);
            _above.Add(s.SecondsAboveThreshold);
            _top.Add(TopClass(s.ClassHistogram));
            _health.Add(h.Gaps + h.ClockJumps + h.CrcErrors + h.Garbage + h.DroppedTokens);
        }

        public (string, object?)[] Parameters() =>
            [("sd", _device.ToArray()), ("ss", _sequence.ToArray()), ("sp", _pipeline.ToArray()), ("sf", _from.ToArray()), ("st", _to.ToArray()),
             ("stok", _tokens.ToArray()), ("sw", _windows.ToArray()), ("smin", _min.ToArray()), ("smean", _mean.ToArray()), ("smax", _max.ToArray()),
             ("sp95", _p95.ToArray()), ("sabove", _above.ToArray()), ("stop", _top.ToArray()), ("shealth", _health.ToArray())];
    }
}
