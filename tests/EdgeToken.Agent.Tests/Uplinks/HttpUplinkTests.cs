using EdgeToken.Agent.Outbox;
using EdgeToken.Agent.Tests.Receiver;
using EdgeToken.Agent.Uplinks;
using EdgeToken.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using AgentOutbox = EdgeToken.Agent.Outbox.Outbox;

namespace EdgeToken.Agent.Tests.Uplinks;

public sealed class HttpUplinkTests
{
    private static readonly UplinkSenderOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Delivers_everything_in_order_and_empties_the_outbox()
    {
        using var dir = new TempDirectory();
        await using var collector = new LoopbackCollector();
        await collector.StartAsync();
        using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path });
        await using var uplink = new HttpUplink(new HttpUplinkOptions { Collector = collector.Address, Token = collector.Token });
        var sender = new UplinkSender(outbox, uplink, "wagon-1", Fast, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = sender.RunAsync(stop.Token);
        for (int i = 1; i <= 2500; i++) outbox.Append(i % 7 == 0 ? Records.Event(i) : Records.Summary(i));
        await Until(() => outbox.Count == 0);
        stop.Cancel();
        await run;
        var received = collector.Records("wagon-1");
        Assert.Equal(Enumerable.Range(1, 2500).Select(i => (long)i), received.Select(r => r.Sequence));
        Assert.Equal(0, collector.OutOfOrder);
        Assert.Equal(2500, sender.Statistics.Records);
        Assert.True(sender.Statistics.Batches >= 3, "batches are at most 1000 records");
        Assert.Equal(collector.BodyBytes, sender.Statistics.Bytes); // counted after gzip, as on the wire
    }

    [Fact]
    public async Task A_wrong_token_keeps_records_in_the_outbox()
    {
        using var dir = new TempDirectory();
        await using var collector = new LoopbackCollector();
        await collector.StartAsync();
        using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path });
        await using var uplink = new HttpUplink(new HttpUplinkOptions { Collector = collector.Address, Token = "stolen" });
        outbox.Append(Records.Summary(1));
        var sender = new UplinkSender(outbox, uplink, "wagon-1", Fast, NullLogger.Instance);
        Assert.False(await sender.DrainAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, outbox.Count);
        Assert.Empty(collector.Records("wagon-1"));
    }

    [Fact]
    public async Task An_outage_keeps_the_backlog_and_it_drains_in_order_when_the_link_returns()
    {
        using var dir = new TempDirectory();
        await using var collector = new LoopbackCollector { Down = true };
        await collector.StartAsync();
        using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path });
        await using var uplink = new HttpUplink(new HttpUplinkOptions { Collector = collector.Address, Token = collector.Token, Gzip = false });
        var sender = new UplinkSender(outbox, uplink, "wagon-2", Fast, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = sender.RunAsync(stop.Token);
        for (int i = 1; i <= 300; i++) outbox.Append(Records.Summary(i));
        await Until(() => sender.Statistics.Failures >= 3);
        Assert.Equal(300, outbox.Count);
        collector.Down = false;
        sender.Wake();
        await Until(() => outbox.Count == 0);
        stop.Cancel();
        await run;
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), collector.Records("wagon-2").Select(r => r.Sequence));
        Assert.Equal(0, collector.OutOfOrder);
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_up_to_its_cap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(7));
        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Next().TotalMilliseconds).ToList();
        for (int i = 0; i < delays.Count; i++)
        {
            double cap = Math.Min(2000, 100 * Math.Pow(2, i));
            Assert.InRange(delays[i], cap / 2, cap);
        }
        Assert.NotEqual(delays[8], delays[9]); // jittered, not lockstep
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 50, 100);
    }

    [Fact]
    public void The_bandwidth_cap_delays_bytes_beyond_one_second_of_burst()
    {
        var time = new ManualTime();
        var cap = new BandwidthCap(1000, time);
        Assert.Equal(TimeSpan.Zero, cap.DelayFor(1000));
        Assert.Equal(TimeSpan.FromSeconds(0.5), cap.DelayFor(500));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.Zero, cap.DelayFor(400));
    }

    [Fact]
    public void A_composed_batch_is_the_contract_s_UplinkBatch()
    {
        var records = new[] { Records.Summary(1) with { Sequence = 1 }, Records.Event(2) with { Sequence = 2 } };
        var stored = records.Select(r => new StoredRecord(r.Sequence, r.Kind, AgentOutbox.Serialize(r))).ToList();
        var batch = WireFormat.Deserialize(BatchComposer.Compose("wagon \"7\"", stored))!;
        Assert.Equal(WireFormat.Version, batch.Format);
        Assert.Equal("wagon \"7\"", batch.DeviceId);
        Assert.Equal(records[0].Summary!.Score, batch.Records[0].Summary!.Score);
        Assert.Equal(records[1].Event!.Context, batch.Records[1].Event!.Context);
    }

    internal static async Task Until(Func<bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached in time");
            await Task.Delay(20);
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
        public override long GetTimestamp() => _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }
}
