using System.Data.Common;
using System.Text.Json;
using EdgeToken.Contracts;

namespace EdgeToken.Collector.Storage;

/// <summary>
/// The fleet store in the SQL that SQLite and PostgreSQL share (ON CONFLICT DO NOTHING, LIMIT, @parameters).
/// The subclasses only open connections and take the migration lock, so both databases behave the same.
/// </summary>
public abstract partial class SqlFleetStore : IFleetStore
{
    public abstract string Provider { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancel);

    /// <summary>Serialises the several collectors (or processes) that may migrate at the same moment.</summary>
    protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction tx, CancellationToken cancel);

    /// <summary>Held around every write transaction; SQLite has one writer, PostgreSQL needs no gate.</summary>
    protected virtual ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancel) => ValueTask.FromResult<IDisposable?>(null);

    public virtual async ValueTask DisposeAsync() => await StopWritersAsync();

    public async Task<int> MigrateAsync(CancellationToken cancel = default)
    {
        using var gate = await EnterWriteAsync(cancel);
        await using var connection = await OpenAsync(cancel);
        await using var tx = await connection.BeginTransactionAsync(cancel);
        await LockForMigrationAsync(connection, tx, cancel);
        int applied = await Migrations.ApplyAsync(connection, tx, cancel);
        await tx.CommitAsync(cancel);
        return applied;
    }

    public async Task<int> SchemaVersionAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        await Sql.ExecuteAsync(connection, null, Migrations.CreateVersionTable, cancel);
        return Convert.ToInt32(await Sql.ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancel) ?? 0);
    }

    /// <summary>
    /// Known credentials are cached for <see cref="CredentialCacheTime"/>: every ingest request checks one, and a
    /// query per request would be a third of the database round trips. A device revoked through this store is
    /// refused at once; one revoked through another collector process, within that time.
    /// </summary>
    public static readonly TimeSpan CredentialCacheTime = TimeSpan.FromSeconds(5);

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DeviceCredential Credential, long Expires)> _credentials = new(StringComparer.Ordinal);

    public async Task<DeviceCredential?> FindDeviceAsync(string deviceId, CancellationToken cancel = default)
    {
        if (_credentials.TryGetValue(deviceId, out var cached) && cached.Expires > Environment.TickCount64) return cached.Credential;
        await using var connection = await OpenAsync(cancel);
        var rows = await Sql.QueryAsync(connection, "SELECT device_id, token_salt, token_hash, revoked_ms FROM devices WHERE device_id = @d",
            r => new DeviceCredential(r.GetString(0), r.GetString(1), r.GetString(2), Sql.Time(Sql.NullableLong(r, 3))), cancel, ("d", deviceId));
        if (rows.Count == 0) return null;
        _credentials[deviceId] = (rows[0], Environment.TickCount64 + (long)CredentialCacheTime.TotalMilliseconds);
        return rows[0];
    }

    public async Task RegisterDeviceAsync(string deviceId, string tokenSalt, string tokenHash, DateTimeOffset now, CancellationToken cancel = default)
    {
        _credentials.TryRemove(deviceId, out _);
        using var gate = await EnterWriteAsync(cancel);
        await using var connection = await OpenAsync(cancel);
        await Sql.ExecuteAsync(connection, null,
            """
            INSERT INTO devices (device_id, token_salt, token_hash, registered_ms) VALUES (@d, @s, @h, @t)
            ON CONFLICT (device_id) DO UPDATE SET token_salt = @s, token_hash = @h, revoked_ms = NULL
            """, cancel, ("d", deviceId), ("s", tokenSalt), ("h", tokenHash), ("t", now.ToUnixTimeMilliseconds()));
    }

    public async Task<bool> RevokeDeviceAsync(string deviceId, DateTimeOffset now, CancellationToken cancel = default)
    {
        _credentials.TryRemove(deviceId, out _);
        using var gate = await EnterWriteAsync(cancel);
        await using var connection = await OpenAsync(cancel);
        return await Sql.ExecuteAsync(connection, null, "UPDATE devices SET revoked_ms = @t WHERE device_id = @d AND revoked_ms IS NULL", cancel,
            ("d", deviceId), ("t", now.ToUnixTimeMilliseconds())) == 1;
    }

    /// <summary>
    /// The rows a record adds besides itself. Each is keyed by (device, sequence) and written with ON CONFLICT DO
    /// NOTHING (or a guarded UPDATE), so writing them again for a duplicate changes nothing: an acknowledged alert
    /// stays acknowledged.
    /// </summary>
    /// <param name="onlyIfNew">Appends the condition that the record's own insert (the CTE <c>ins</c>) added a row;
    /// used where the derived rows travel in one statement with that insert.</param>
    static IEnumerable<Statement> DerivedStatements(string deviceId, UplinkRecord record, bool onlyIfNew = false)
    {
        string from = onlyIfNew ? " FROM ins" : "";
        string exists = onlyIfNew ? " AND EXISTS (SELECT 1 FROM ins)" : "";
        if (record.Summary is { } s)
        {
            var h = s.Health;
            yield return new($"""
                INSERT INTO summaries (device_id, sequence, pipeline, from_ms, to_ms, tokens, windows, score_min, score_mean, score_max, score_p95, seconds_above, top_class, health_problems)
                SELECT @d, @s, @p, @f, @t, @tok, @w, @min, @mean, @max, @p95, @above, @top, @health{from} ON CONFLICT (device_id, sequence) DO NOTHING
                """, [("d", deviceId), ("s", record.Sequence), ("p", s.Pipeline), ("f", s.From.ToUnixTimeMilliseconds()), ("t", s.To.ToUnixTimeMilliseconds()),
                ("tok", s.Tokens), ("w", s.Windows), ("min", s.Score.Min), ("mean", s.Score.Mean), ("max", s.Score.Max), ("p95", s.Score.P95),
                ("above", s.SecondsAboveThreshold), ("top", TopClass(s.ClassHistogram)), ("health", h.Gaps + h.ClockJumps + h.CrcErrors + h.Garbage + h.DroppedTokens)]);
        }
        else if (record.Event is { } e)
        {
            long time = record.Time.ToUnixTimeMilliseconds();
            yield return new($"""
                INSERT INTO events (device_id, sequence, time_ms, pipeline, label, score, threshold, rising, context_kind, context)
                SELECT @d, @s, @t, @p, @l, @score, @th, @r, @ck, @c{from} ON CONFLICT (device_id, sequence) DO NOTHING
                """, [("d", deviceId), ("s", record.Sequence), ("t", time), ("p", e.Pipeline), ("l", e.Label), ("score", e.Score),
                ("th", e.Threshold), ("r", e.Rising ? 1 : 0), ("ck", e.ContextKind), ("c", JsonSerializer.Serialize(e.Context, WireJsonContext.Default.SingleArray))]);
            if (e.Rising)
                yield return new($"INSERT INTO alerts (device_id, sequence, raised_ms, pipeline, label, score) SELECT @d, @s, @t, @p, @l, @score{from} ON CONFLICT (device_id, sequence) DO NOTHING",
                    [("d", deviceId), ("s", record.Sequence), ("t", time), ("p", e.Pipeline), ("l", e.Label), ("score", e.Score)]);
        }
        else if (record.Lifecycle is not null)
        {
            yield return new($"UPDATE devices SET state = @st, state_ms = @t WHERE device_id = @d AND (state_ms IS NULL OR state_ms <= @t){exists}",
                [("d", deviceId), ("st", KindName(record.Kind)), ("t", record.Time.ToUnixTimeMilliseconds())]);
        }
    }

    static string? TopClass(IReadOnlyDictionary<string, long>? histogram)
    {
        if (histogram is null) return null;
        string? top = null;
        long best = -1;
        foreach (var (label, count) in histogram)
            if (count > best || (count == best && string.CompareOrdinal(label, top) < 0)) (top, best) = (label, count);
        return top;
    }

    internal static string KindName(RecordKind kind) => kind switch
    {
        RecordKind.Summary => "summary",
        RecordKind.Event => "event",
        RecordKind.Heartbeat => "heartbeat",
        RecordKind.Birth => "birth",
        RecordKind.Death => "death",
        RecordKind.DropReport => "dropReport",
        _ => kind.ToString(),
    };

    public async Task SetDeviceStateAsync(string deviceId, string state, string? agentVersion, DateTimeOffset at, CancellationToken cancel = default)
    {
        using var gate = await EnterWriteAsync(cancel);
        await using var connection = await OpenAsync(cancel);
        await Sql.ExecuteAsync(connection, null,
            "UPDATE devices SET state = @st, state_ms = @t, agent_version = COALESCE(@v, agent_version) WHERE device_id = @d",
            cancel, ("d", deviceId), ("st", state), ("t", at.ToUnixTimeMilliseconds()), ("v", agentVersion));
    }

    public async Task<IReadOnlyList<DeviceOverview>> DevicesAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        return await Sql.QueryAsync(connection,
            """
            SELECT d.device_id, d.registered_ms, d.revoked_ms, d.last_seen_ms, d.records_received, d.bytes_received, d.batches_received,
                   d.records_dropped, d.state, d.agent_version,
                   (SELECT COUNT(*) FROM alerts a WHERE a.device_id = d.device_id AND a.acknowledged_ms IS NULL),
                   (SELECT s.score_mean FROM summaries s WHERE s.device_id = d.device_id ORDER BY s.to_ms DESC LIMIT 1)
            FROM devices d ORDER BY d.device_id
            """,
            r => new DeviceOverview(r.GetString(0), Sql.Time(Sql.Long(r, 1)), Sql.Time(Sql.NullableLong(r, 2)), Sql.Time(Sql.NullableLong(r, 3)),
                Sql.Long(r, 4), Sql.Long(r, 5), Sql.Long(r, 6), Sql.Long(r, 7), Sql.Text(r, 8), Sql.Text(r, 9), (int)Sql.Long(r, 10),
                r.IsDBNull(11) ? null : Sql.Double(r, 11)), cancel);
    }

    public async Task<IReadOnlyList<SummaryPoint>> SummariesAsync(string deviceId, int limit, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var rows = await Sql.QueryAsync(connection,
            """
            SELECT sequence, pipeline, from_ms, to_ms, tokens, windows, score_min, score_mean, score_max, score_p95, seconds_above, top_class, health_problems
            FROM summaries WHERE device_id = @d ORDER BY to_ms DESC, sequence DESC LIMIT @n
            """,
            r => new SummaryPoint(Sql.Long(r, 0), r.GetString(1), Sql.Time(Sql.Long(r, 2)), Sql.Time(Sql.Long(r, 3)), Sql.Long(r, 4), Sql.Long(r, 5),
                Sql.Double(r, 6), Sql.Double(r, 7), Sql.Double(r, 8), Sql.Double(r, 9), Sql.Double(r, 10), Sql.Text(r, 11), Sql.Long(r, 12)),
            cancel, ("d", deviceId), ("n", (long)limit));
        rows.Reverse();
        return rows;
    }

    public async Task<IReadOnlyList<EventRow>> EventsAsync(string deviceId, int limit, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        return await Sql.QueryAsync(connection,
            """
            SELECT sequence, time_ms, pipeline, label, score, threshold, rising, context_kind, context
            FROM events WHERE device_id = @d ORDER BY time_ms DESC, sequence DESC LIMIT @n
            """,
            r => new EventRow(Sql.Long(r, 0), Sql.Time(Sql.Long(r, 1)), r.GetString(2), Sql.Text(r, 3), Sql.Double(r, 4), Sql.Double(r, 5),
                Sql.Long(r, 6) != 0, r.GetString(7), JsonSerializer.Deserialize(r.GetString(8), WireJsonContext.Default.SingleArray) ?? []),
            cancel, ("d", deviceId), ("n", (long)limit));
    }

    public async Task<IReadOnlyList<AlertRow>> AlertsAsync(bool activeOnly, string? deviceId, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        string where = (activeOnly, deviceId is null) switch
        {
            (true, true) => "WHERE acknowledged_ms IS NULL",
            (true, false) => "WHERE acknowledged_ms IS NULL AND device_id = @d",
            (false, false) => "WHERE device_id = @d",
            _ => "",
        };
        return await Sql.QueryAsync(connection,
            $"SELECT device_id, sequence, raised_ms, pipeline, label, score, acknowledged_by, acknowledged_ms, ack_comment FROM alerts {where} ORDER BY raised_ms DESC, device_id, sequence LIMIT 500",
            r => new AlertRow(r.GetString(0), Sql.Long(r, 1), Sql.Time(Sql.Long(r, 2)), r.GetString(3), Sql.Text(r, 4), Sql.Double(r, 5),
                Sql.Text(r, 6), Sql.Time(Sql.NullableLong(r, 7)), Sql.Text(r, 8)),
            cancel, deviceId is null ? [] : [("d", deviceId)]);
    }

    public async Task<bool> AcknowledgeAlertAsync(string deviceId, long sequence, string user, string comment, DateTimeOffset at, CancellationToken cancel = default)
    {
        using var gate = await EnterWriteAsync(cancel);
        await using var connection = await OpenAsync(cancel);
        return await Sql.ExecuteAsync(connection, null,
            """
            UPDATE alerts SET acknowledged_by = @u, acknowledged_ms = @t, ack_comment = @c
            WHERE device_id = @d AND sequence = @s AND acknowledged_ms IS NULL
            """, cancel, ("d", deviceId), ("s", sequence), ("u", user), ("t", at.ToUnixTimeMilliseconds()), ("c", comment)) == 1;
    }

    public async Task<FleetTotals> TotalsAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var rows = await Sql.QueryAsync(connection,
            """
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN revoked_ms IS NULL THEN 0 ELSE 1 END), 0), COALESCE(SUM(records_received), 0), COALESCE(SUM(bytes_received), 0),
                   (SELECT COUNT(*) FROM alerts WHERE acknowledged_ms IS NULL)
            FROM devices
            """,
            r => new FleetTotals((int)Sql.Long(r, 0), (int)Sql.Long(r, 1), Sql.Long(r, 2), Sql.Long(r, 3), (int)Sql.Long(r, 4)), cancel);
        return rows[0];
    }

    public async Task<IReadOnlyDictionary<string, long>> RecordsByCollectorAsync(CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var rows = await Sql.QueryAsync(connection, "SELECT received_by, COUNT(*) FROM records GROUP BY received_by",
            r => (r.GetString(0), Sql.Long(r, 1)), cancel);
        return rows.ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
    }

    public async Task<long> CountRecordsAsync(string? deviceId, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        return deviceId is null
            ? Convert.ToInt64(await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM records", cancel))
            : Convert.ToInt64(await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM records WHERE device_id = @d", cancel, ("d", deviceId)));
    }

    public async Task<IReadOnlyList<long>> SequencesAsync(string deviceId, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        return await Sql.QueryAsync(connection, "SELECT sequence FROM records WHERE device_id = @d ORDER BY sequence", r => Sql.Long(r, 0), cancel, ("d", deviceId));
    }

    public async Task AddUserAsync(string userName, string salt, string hash, int iterations, DateTimeOffset now, CancellationToken cancel = default)
    {
        using var gate = await EnterWriteAsync(cancel);
        await using var connection = await OpenAsync(cancel);
        await Sql.ExecuteAsync(connection, null,
            """
            INSERT INTO users (user_name, password_salt, password_hash, iterations, created_ms) VALUES (@u, @s, @h, @i, @t)
            ON CONFLICT (user_name) DO UPDATE SET password_salt = @s, password_hash = @h, iterations = @i
            """, cancel, ("u", userName), ("s", salt), ("h", hash), ("i", iterations), ("t", now.ToUnixTimeMilliseconds()));
    }

    public async Task<UserCredential?> FindUserAsync(string userName, CancellationToken cancel = default)
    {
        await using var connection = await OpenAsync(cancel);
        var rows = await Sql.QueryAsync(connection, "SELECT user_name, password_salt, password_hash, iterations FROM users WHERE user_name = @u",
            r => new UserCredential(r.GetString(0), r.GetString(1), r.GetString(2), (int)Sql.Long(r, 3)), cancel, ("u", userName));
        return rows.Count == 0 ? null : rows[0];
    }
}
