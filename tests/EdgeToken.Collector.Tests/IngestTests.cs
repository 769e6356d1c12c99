using System.IO.Compression;
using System.Text;
using EdgeToken.Collector.Storage;
using EdgeToken.Contracts;

namespace EdgeToken.Collector.Tests;

/// <summary>HTTP ingest against a real collector, once per database: the same tests, the same expectations.</summary>
public abstract class IngestTests
{
    protected abstract Task<DatabaseLocation> NewDatabaseAsync();

    async Task<TestCollector> Start(Action<CollectorOptions>? configure = null) => await TestCollector.StartAsync(await NewDatabaseAsync(), configure);

    [ServiceFact]
    public async Task Migrations_are_recorded_and_applied_once()
    {
        await using var c = await Start();
        Assert.Equal(Migrations.Latest, await c.Store.SchemaVersionAsync());
        Assert.Equal(0, await c.Store.MigrateAsync());
        Assert.True(Migrations.Latest >= 2);
    }

    [ServiceFact]
    public async Task A_batch_is_stored_once_and_a_replay_changes_nothing()
    {
        await using var c = await Start();
        string token = await c.RegisterAsync("wagon-1");
        var batch = Batches.Of("wagon-1", Batches.Summary(1), Batches.Event(2), Batches.Heartbeat(3));
        Assert.Equal(new IngestResponse(3, 0, 3), await TestCollector.Accepted(await c.PostAsync(token, batch)));
        Assert.Equal(new IngestResponse(0, 3, 3), await TestCollector.Accepted(await c.PostAsync(token, batch)));
        Assert.Equal(new IngestResponse(2, 1, 5), await TestCollector.Accepted(await c.PostAsync(token, Batches.Summaries("wagon-1", 3, 3))));
        Assert.Equal([1L, 2, 3, 4, 5], await c.Store.SequencesAsync("wagon-1"));
        Assert.Single(await c.Store.AlertsAsync(true, "wagon-1"));
        Assert.Single(await c.Store.EventsAsync("wagon-1", 10));
        Assert.Equal(3, (await c.Store.SummariesAsync("wagon-1", 10)).Count);
        var device = Assert.Single(await c.Store.DevicesAsync());
        Assert.Equal(5, device.RecordsReceived);
        Assert.Equal(3, device.BatchesReceived);
        Assert.Equal("0.1.0", device.AgentVersion);
    }

    [ServiceFact]
    public async Task The_same_batch_sent_concurrently_is_stored_once()
    {
        await using var c = await Start();
        string token = await c.RegisterAsync("wagon-2");
        var batch = Batches.Summaries("wagon-2", 1, 50);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => await TestCollector.Accepted(await c.PostAsync(token, batch))));
        Assert.Equal(50, answers.Sum(a => a.Accepted));
        Assert.Equal(7 * 50, answers.Sum(a => a.Duplicates));
        Assert.Equal(50, await c.Store.CountRecordsAsync("wagon-2"));
    }

    [ServiceFact]
    public async Task Overlapping_batches_written_in_one_group_are_counted_once_per_record_and_per_device()
    {
        await using var c = await Start();
        await c.RegisterAsync("wagon-20");
        await c.RegisterAsync("wagon-21");
        var now = DateTimeOffset.UtcNow;
        // Stored at once so the group commit puts them in one transaction: two devices, overlapping sequences, an event.
        var answers = await Task.WhenAll(
            c.Store.StoreBatchAsync(Batches.Of("wagon-20", Batches.Summary(1, topClass: "outer-race"), Batches.Summary(2), Batches.Summary(3)), 300, "t", now),
            c.Store.StoreBatchAsync(Batches.Of("wagon-20", Batches.Summary(3), Batches.Event(4), Batches.Heartbeat(5)), 200, "t", now.AddMilliseconds(5)),
            c.Store.StoreBatchAsync(Batches.Of("wagon-21", Batches.Summary(1, mean: 0.3), Batches.Summary(2)), 100, "t", now));
        Assert.Equal(3 + 2 + 2, answers.Sum(a => a.Accepted));
        Assert.Equal(1, answers.Sum(a => a.Duplicates));
        Assert.Equal((5L, 2L), (answers[1].HighestSequence, answers[2].HighestSequence));
        Assert.Contains(answers[0].HighestSequence, new[] { 3L, 5L }); // 5 when written in the same transaction as the second
        Assert.Equal([1L, 2, 3, 4, 5], await c.Store.SequencesAsync("wagon-20"));
        var summaries = await c.Store.SummariesAsync("wagon-20", 10);
        Assert.Equal(3, summaries.Count);
        Assert.Contains(summaries, s => s.TopClass == "outer-race");
        Assert.Equal(0.3, Assert.Single(await c.Store.SummariesAsync("wagon-21", 10), s => s.Sequence == 1).ScoreMean, 12);
        Assert.Single(await c.Store.AlertsAsync(true, "wagon-20"));
        var devices = (await c.Store.DevicesAsync()).ToDictionary(d => d.DeviceId);
        Assert.Equal((5L, 2L, 500L), (devices["wagon-20"].RecordsReceived, devices["wagon-20"].BatchesReceived, devices["wagon-20"].BytesReceived));
        Assert.Equal((2L, 1L, 100L), (devices["wagon-21"].RecordsReceived, devices["wagon-21"].BatchesReceived, devices["wagon-21"].BytesReceived));
        Assert.Equal("0.1.0", devices["wagon-20"].AgentVersion);
    }

    [ServiceFact]
    public async Task Devices_without_a_valid_credential_are_refused()
    {
        await using var c = await Start();
        string token = await c.RegisterAsync("wagon-3");
        string other = await c.RegisterAsync("wagon-4");
        var batch = Batches.Summaries("wagon-3", 1, 2);
        Assert.Equal("missing_credential", (await TestCollector.Refused(await c.PostAsync(null, batch), 401)).Code);
        using (var shouting = new StringContent(System.Text.Encoding.UTF8.GetString(WireFormat.Serialize(batch)), System.Text.Encoding.UTF8, "application/json"))
            Assert.Equal("missing_credential", (await TestCollector.Refused(await c.Http.PostAsync("/API/V1/INGEST/", shouting), 401)).Code);
        Assert.Equal("unknown_credential", (await TestCollector.Refused(await c.PostAsync("wagon-3.not-the-secret", batch), 401)).Code);
        Assert.Equal("unknown_credential", (await TestCollector.Refused(await c.PostAsync("wagon-9." + token.Split('.')[^1], batch), 401)).Code);
        Assert.Equal("device_mismatch", (await TestCollector.Refused(await c.PostAsync(other, batch), 403)).Code);
        Assert.True(await c.Store.RevokeDeviceAsync("wagon-3", DateTimeOffset.UtcNow));
        Assert.Equal("device_revoked", (await TestCollector.Refused(await c.PostAsync(token, batch), 403)).Code);
        Assert.Equal(0, await c.Store.CountRecordsAsync(null));
    }

    [ServiceFact]
    public async Task Malformed_batches_get_400_and_store_nothing()
    {
        await using var c = await Start();
        string token = await c.RegisterAsync("wagon-5");
        async Task<string> Code(object body) => (await TestCollector.Refused(
            body is UplinkBatch b ? await c.PostAsync(token, b) : await c.PostAsync(token, Encoding.UTF8.GetBytes((string)body)), 400)).Code;

        Assert.Equal("unsupported_format", await Code(Batches.Summaries("wagon-5", 1, 2) with { Format = "edgetoken.uplink/2" }));
        Assert.Equal("sequence_not_increasing", await Code(Batches.Of("wagon-5", Batches.Summary(2), Batches.Summary(1))));
        Assert.Equal("sequence_not_increasing", await Code(Batches.Of("wagon-5", Batches.Summary(1), Batches.Summary(1))));
        Assert.Equal("invalid_sequence", await Code(Batches.Of("wagon-5", Batches.Summary(0))));
        Assert.Equal("payload_mismatch", await Code(Batches.Of("wagon-5", Batches.Summary(1), Batches.Summary(2) with { Kind = RecordKind.Event })));
        Assert.Equal("payload_mismatch", await Code(Batches.Of("wagon-5", Batches.Summary(1) with { Heartbeat = Batches.Heartbeat(1).Heartbeat })));
        Assert.Equal("empty_batch", await Code(Batches.Of("wagon-5")));
        Assert.Equal("malformed_json", await Code("{\"format\":\"edgetoken.uplink/1\",\"deviceId\":"));
        Assert.Equal("malformed_json", await Code("{\"format\":\"edgetoken.uplink/1\",\"deviceId\":\"wagon-5\",\"records\":[{\"sequence\":1,\"kind\":\"nonsense\",\"time\":\"2026-11-23T20:00:00Z\"}]}"));
        Assert.Equal(0, await c.Store.CountRecordsAsync(null));
    }

    [ServiceFact]
    public async Task Oversized_batches_get_413_and_gzip_is_accepted()
    {
        await using var c = await Start();
        string token = await c.RegisterAsync("wagon-6");
        Assert.Equal("too_many_records", (await TestCollector.Refused(await c.PostAsync(token, Batches.Summaries("wagon-6", 1, WireFormat.MaxRecordsPerBatch + 1)), 413)).Code);
        var big = Batches.Of("wagon-6", Batches.Event(1) with { Event = Batches.Event(1).Event! with { Label = new string('x', 1_100_000) } });
        Assert.Equal("batch_too_large", (await TestCollector.Refused(await c.PostAsync(token, big), 413)).Code);

        var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(WireFormat.Serialize(Batches.Summaries("wagon-6", 1, 1000)));
        Assert.Equal(1000, (await TestCollector.Accepted(await c.PostAsync(token, gzipped.ToArray(), "gzip"))).Accepted);
        Assert.Equal("bad_gzip", (await TestCollector.Refused(await c.PostAsync(token, Encoding.UTF8.GetBytes("not gzip"), "gzip"), 400)).Code);
        Assert.Equal(1000, await c.Store.CountRecordsAsync(null));
    }

    [ServiceFact]
    public async Task A_device_over_its_rate_limit_gets_429_with_retry_after_and_others_do_not()
    {
        // No refill within the test: with the real one-second period, a refill between the second and third batch (on a
        // loaded machine) let the third through.
        await using var c = await Start(o => { o.DeviceRequestsPerSecond = 1; o.DeviceBurst = 2; o.DeviceReplenishmentPeriod = TimeSpan.FromHours(1); });
        string token = await c.RegisterAsync("wagon-7");
        string other = await c.RegisterAsync("wagon-8");
        await TestCollector.Accepted(await c.PostAsync(token, Batches.Summaries("wagon-7", 1, 1)));
        await TestCollector.Accepted(await c.PostAsync(token, Batches.Summaries("wagon-7", 2, 1)));
        var limited = await c.PostAsync(token, Batches.Summaries("wagon-7", 3, 1));
        Assert.Equal("rate_limited", (await TestCollector.Refused(limited, 429)).Code);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await TestCollector.Accepted(await c.PostAsync(other, Batches.Summaries("wagon-8", 1, 1)));
        Assert.Equal(2, await c.Store.CountRecordsAsync("wagon-7"));
    }

    [ServiceFact]
    public async Task An_alert_is_acknowledged_once_with_who_when_and_why()
    {
        await using var c = await Start();
        string token = await c.RegisterAsync("wagon-9");
        await TestCollector.Accepted(await c.PostAsync(token, Batches.Of("wagon-9", Batches.Event(1), Batches.Event(2, rising: false))));
        var alert = Assert.Single(await c.Store.AlertsAsync(true, null));
        Assert.True(await c.Store.AcknowledgeAlertAsync("wagon-9", alert.Sequence, "anna", "bearing swapped at depot", DateTimeOffset.UtcNow));
        Assert.False(await c.Store.AcknowledgeAlertAsync("wagon-9", alert.Sequence, "bob", "again", DateTimeOffset.UtcNow));
        Assert.Empty(await c.Store.AlertsAsync(true, null));
        var acked = Assert.Single(await c.Store.AlertsAsync(false, "wagon-9"));
        Assert.Equal(("anna", "bearing swapped at depot"), (acked.AcknowledgedBy, acked.Comment));
        Assert.NotNull(acked.AcknowledgedAt);
    }

    [ServiceFact]
    public async Task Birth_and_death_set_the_device_state_whether_explicit_or_revision_1()
    {
        await using var c = await Start();
        string token = await c.RegisterAsync("wagon-10");
        async Task<string?> StateAfter(UplinkRecord record)
        {
            await TestCollector.Accepted(await c.PostAsync(token, Batches.Of("wagon-10", record)));
            return (await c.Store.DevicesAsync()).Single(d => d.DeviceId == "wagon-10").State;
        }
        Assert.Equal("birth", await StateAfter(Batches.Lifecycle(1, birth: true)));
        Assert.Equal("death", await StateAfter(Batches.Lifecycle(2, birth: false)));
        Assert.Equal("birth", await StateAfter(Batches.Lifecycle(3, birth: true, revision1: true)));
        Assert.Equal("death", await StateAfter(Batches.Lifecycle(4, birth: false, revision1: true)));

        var contradictory = Batches.Lifecycle(5, birth: true) with { Lifecycle = LifecyclePayload.Death("0.1.0", "stopped", graceful: true) };
        Assert.Equal("payload_mismatch", (await TestCollector.Refused(await c.PostAsync(token, Batches.Of("wagon-10", contradictory)), 400)).Code);
    }
}

public sealed class SqliteIngestTests : IngestTests
{
    protected override Task<DatabaseLocation> NewDatabaseAsync() => Task.FromResult(TestDatabases.NewSqlite());
}

[Needs("EDGETOKEN_POSTGRES", "PostgreSQL")]
public sealed class PostgresIngestTests : IngestTests
{
    protected override Task<DatabaseLocation> NewDatabaseAsync() => TestDatabases.NewPostgresAsync();
}
