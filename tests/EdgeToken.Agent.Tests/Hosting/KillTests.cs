using EdgeToken.Agent.Tests.Receiver;
using EdgeToken.Contracts;
using Xunit.Abstractions;

namespace EdgeToken.Agent.Tests.Hosting;

/// <summary>
/// The reliability proof: the real agent process (<c>edgetoken agent</c>) producing and uploading to a loopback
/// collector is killed with SIGKILL at random moments, again and again, sometimes while the collector is
/// unreachable. Afterwards the collector holds every record the agent produced exactly once, in order.
/// </summary>
public sealed class KillTests(ITestOutputHelper output)
{
    private const int Kills = 50;

    [Fact]
    public async Task Every_produced_record_arrives_exactly_once_in_order_across_50_kill_9s()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        await using var collector = new LoopbackCollector();
        await collector.StartAsync();
        string config = TestPlans.WriteAgentConfig(dir.Path, collector.Address, collector.Token, deviceId: "wagon-9-axle-1",
            summarySeconds: 0.03, heartbeatSeconds: 0.05);
        var random = new Random(2026);
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < Kills; i++)
        {
            collector.Down = i % 10 == 7; // every tenth life happens during an outage
            using var agent = AgentProcess.Start("agent", "--config", config);
            // One kill in five lands anywhere in start-up; the others while the agent produces and uploads,
            // 0-600 ms after it said it runs (start-up time varies a lot on a loaded machine).
            if (i % 5 == 0) await Task.Delay(random.Next(50, 600));
            else
            {
                await agent.WaitForOutputAsync("agent wagon-9-axle-1:", TimeSpan.FromSeconds(30));
                await Task.Delay(random.Next(0, 600));
            }
            agent.KillHard();
        }
        collector.Down = false;
        using (var last = AgentProcess.Start("agent", "--config", config))
        {
            await Task.Delay(1500);
            Assert.Equal(0, last.Terminate(TimeSpan.FromSeconds(30)));
        }
        var elapsed = started.Elapsed;

        var records = collector.Records("wagon-9-axle-1");
        var sequences = records.Select(r => r.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), sequences); // nothing lost: no gap from 1 to the last
        Assert.Equal(RecordKind.Death, records[^1].Kind); // the last record produced, at the graceful stop
        Assert.Equal(0, collector.OutOfOrder);
        Assert.DoesNotContain(records, r => r.Kind == RecordKind.DropReport); // no corruption, no budget pressure here
        int births = records.Count(r => r.Kind == RecordKind.Birth);
        Assert.InRange(births, 2, Kills + 1); // (a kill during start-up may come before the birth is written)
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "outbox"), "seg-*")); // everything acknowledged and deleted
        output.WriteLine($"{Kills} kill -9 + 1 graceful stop in {elapsed.TotalSeconds:F0} s: {records.Count} records produced, {records.Count} received once, " +
                         $"0 lost, {collector.Duplicates} duplicate deliveries deduplicated by the collector, {births} births, " +
                         $"{records.Count(r => r.Kind == RecordKind.Summary)} summaries, {collector.Requests} requests");
    }
}
