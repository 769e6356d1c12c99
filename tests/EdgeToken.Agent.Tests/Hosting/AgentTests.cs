using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Hosting;
using EdgeToken.Agent.Tests.Receiver;
using EdgeToken.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeToken.Agent.Tests.Hosting;

public sealed class AgentTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_agent_runs_a_plan_on_the_simulator_and_uploads_birth_summaries_heartbeats_and_death()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        await using var collector = new LoopbackCollector();
        await collector.StartAsync();
        var config = AgentConfigReader.Read(TestPlans.WriteAgentConfig(dir.Path, collector.Address, collector.Token));
        var agent = new EdgeTokenAgent(config, new PipelineRegistry(), NullLogger.Instance);
        agent.Start();
        // Run until the collector holds three summaries with windows in them and a heartbeat (a loaded machine needs longer).
        await Uplinks.HttpUplinkTests.Until(() =>
        {
            var seen = collector.Records(config.DeviceId);
            return seen.Count(r => r.Kind == RecordKind.Summary) >= 3 && seen.Any(r => r.Kind == RecordKind.Summary && r.Summary!.Windows > 0)
                && seen.Any(r => r.Kind == RecordKind.Heartbeat) && agent.Pipelines[0].Metrics.Windows > 10;
        }, seconds: 60);
        await agent.StopAsync(TimeSpan.FromSeconds(10));
        long raw = agent.RawBytesProcessed, sent = agent.Sender!.Statistics.Bytes;
        var metrics = agent.Pipelines[0].Metrics;
        await agent.DisposeAsync();

        var records = collector.Records(config.DeviceId);
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal((RecordKind.Birth, LifecycleState.Birth), (records[0].Kind, records[0].Lifecycle!.State));
        Assert.Equal((RecordKind.Death, LifecycleState.Death, true), (records[^1].Kind, records[^1].Lifecycle!.State, records[^1].Lifecycle!.Graceful));
        Assert.Contains(records, r => r.Kind == RecordKind.Heartbeat && r.Heartbeat!.PipelineVersions.ContainsKey("bearing"));
        var summaries = records.Where(r => r.Kind == RecordKind.Summary).Select(r => r.Summary!).ToList();
        Assert.True(summaries.Count >= 3, $"{summaries.Count} summaries");
        Assert.Equal(metrics.Tokens, summaries.Sum(s => s.Tokens));
        Assert.Equal(metrics.Windows, summaries.Sum(s => s.Windows));
        Assert.True(metrics.Windows > 10, $"{metrics.Windows} windows");
        var busy = summaries.First(s => s.Windows > 0);
        Assert.InRange(busy.Score.Min, 0, 1);
        Assert.True(busy.Score.Min <= busy.Score.Mean && busy.Score.Mean <= busy.Score.Max && busy.Score.P95 <= busy.Score.Max);
        Assert.NotNull(busy.Latency);
        output.WriteLine($"{metrics.Tokens} tokens ({raw} raw bytes) -> {sent} uplink bytes: reduction {(double)raw / sent:F0}x; " +
                         $"{records.Count} records; mean inference {metrics.InferenceTime.TotalMicroseconds / metrics.Windows:F1} us");
    }

    [Fact]
    public async Task An_outage_keeps_the_backlog_within_the_budget_applies_the_policy_and_drains_in_order()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        await using var collector = new LoopbackCollector { Down = true };
        await collector.StartAsync();
        const long budget = 32 * 1024;
        var config = AgentConfigReader.Read(TestPlans.WriteAgentConfig(dir.Path, collector.Address, collector.Token,
            summarySeconds: 0.01, heartbeatSeconds: 0.01, budget: budget));
        var agent = new EdgeTokenAgent(config, new PipelineRegistry(), NullLogger.Instance);
        agent.Start();
        long largest = 0;
        var outage = System.Diagnostics.Stopwatch.StartNew();
        // At least 2 s, and on until the budget has had to drop something (a loaded machine produces more slowly).
        while (outage.Elapsed < TimeSpan.FromSeconds(2) || (agent.Outbox.Losses.Dropped == 0 && outage.Elapsed < TimeSpan.FromSeconds(30)))
        {
            largest = Math.Max(largest, agent.Outbox.Bytes);
            await Task.Delay(10);
        }
        Assert.True(agent.Outbox.Losses.Dropped > 0, "the outage was long enough to fill the budget");
        long produced = agent.Outbox.NextSequence - 1, backlog = agent.Outbox.Count;
        collector.Down = false;
        agent.Sender!.Wake();
        var drained = System.Diagnostics.Stopwatch.StartNew();
        await Uplinks.HttpUplinkTests.Until(() => collector.Records(config.DeviceId).Count >= backlog);
        var drainTime = drained.Elapsed;
        await agent.StopAsync(TimeSpan.FromSeconds(10));
        await agent.DisposeAsync();

        Assert.InRange(largest, 1, budget);
        var records = collector.Records(config.DeviceId);
        Assert.Equal(0, collector.OutOfOrder);
        Assert.Equal(records.Select(r => r.Sequence).Order(), records.Select(r => r.Sequence));
        var reports = records.Where(r => r.Kind == RecordKind.DropReport).Select(r => r.DropReport!).ToList();
        Assert.NotEmpty(reports);
        long dropped = reports.Sum(r => r.DroppedByKind.Where(k => k.Key != "eventContext").Sum(k => k.Value));
        long last = records[^1].Sequence;
        Assert.Equal(last, records.Count + dropped); // every gap in the sequence is explained by a drop report
        Assert.True(reports.Sum(r => r.DroppedByKind.GetValueOrDefault("heartbeat")) > 0);
        output.WriteLine($"outage {outage.Elapsed.TotalSeconds:F1} s: {produced} records produced, budget {budget} B, largest outbox {largest} B, backlog {backlog} records " +
                         $"drained in {drainTime.TotalMilliseconds:F0} ms; dropped {dropped} ({string.Join(", ", reports.SelectMany(r => r.DroppedByKind).GroupBy(k => k.Key).Select(g => $"{g.Key} {g.Sum(k => k.Value)}"))}) in {reports.Count} reports");
    }

    [Fact]
    public void The_agent_verb_refuses_a_bad_configuration_with_exit_code_2_naming_the_key()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        string path = TestPlans.WriteAgentConfig(dir.Path, new Uri("http://127.0.0.1:9"), "t");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"debounceWindows\"", "\"debounce\""));
        using var agent = AgentProcess.Start("agent", "--config", path);
        Assert.Equal(2, agent.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("$.pipelines[0].debounce: unknown key", agent.Output);
        Assert.DoesNotContain("   at ", agent.Output);
    }
}
