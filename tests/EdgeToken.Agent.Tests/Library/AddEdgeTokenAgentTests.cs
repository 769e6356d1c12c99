using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Agent.Tests.Receiver;
using EdgeToken.Contracts;
using EdgeToken.Sensors.Machinery;
using EdgeToken.Sensors.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeToken.Agent.Tests.Library;

/// <summary>The agent as a library on the Generic Host, running the application's own generated pipelines.</summary>
public sealed class AddEdgeTokenAgentTests
{
    private static readonly GeneratedPipelineShape Shape = new(
        new SampleWindow(HandWrittenBearingScore.Channels, HandWrittenBearingScore.Window, HandWrittenBearingScore.Hop),
        HandWrittenBearingScore.OutputLength, "hand-written-1");

    [Fact]
    public async Task A_host_runs_the_applications_generated_pipelines_by_delegate_and_by_interface()
    {
        using var dir = new TempDirectory();
        await using var collector = new LoopbackCollector();
        await collector.StartAsync();
        string path = TestPlans.WriteAgentConfig(dir.Path, collector.Address, collector.Token, threshold: 0.55);
        // Two pipelines on one source: one registered through the delegate, one through IGeneratedModel.
        string text = File.ReadAllText(path).Replace("\"plan\": \"bearing.etplan\"", "\"type\": \"ByDelegate\"");
        text = text.Replace("\"pipelines\": [ {", "\"pipelines\": [ { \"name\": \"typed\", \"source\": \"axle3\", \"type\": \"ByInterface\", \"threshold\": 0.55, \"contextLength\": 8 }, {");
        File.WriteAllText(path, text);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEdgeTokenAgent(path, p => p
            .AddGenerated("ByDelegate", () => new HandWrittenBearingScore(gain: 8).Infer, Shape)
            .AddGenerated("ByInterface", () => new HandWrittenBearingScore(gain: 8), Shape));
        using (var host = builder.Build())
        {
            await host.StartAsync();
            await HttpUplinksUntil(collector, "wagon-17-axle-3", records => records.Count(r => r.Kind == RecordKind.Summary && r.Summary!.Windows > 0) >= 4 && records.Any(r => r.Kind == RecordKind.Heartbeat));
            await host.StopAsync();
        }

        var records = collector.Records("wagon-17-axle-3");
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(RecordKind.Death, records[^1].Kind);
        foreach (string name in new[] { "bearing", "typed" })
        {
            var summaries = records.Where(r => r.Summary?.Pipeline == name).Select(r => r.Summary!).ToList();
            Assert.True(summaries.Sum(s => s.Windows) > 10, $"{name}: {summaries.Sum(s => s.Windows)} windows");
            // Windows every Hop frames of 3 channels: the windows follow from the tokens.
            Assert.InRange(summaries.Sum(s => s.Windows), summaries.Sum(s => s.Tokens) / (3 * HandWrittenBearingScore.Hop) - 2, summaries.Sum(s => s.Tokens) / (3 * HandWrittenBearingScore.Hop));
            Assert.All(summaries.Where(s => s.Windows > 0), s => Assert.InRange(s.Score.Min, 0.5, 1.0));
        }
        var heartbeat = records.First(r => r.Kind == RecordKind.Heartbeat).Heartbeat!;
        Assert.Equal("hand-written-1", heartbeat.PipelineVersions["bearing"]);
        Assert.Equal("hand-written-1", heartbeat.PipelineVersions["typed"]);
        // The simulated axle box's RMS scores above 0.55: each pipeline raises one event, with a raw snippet as context.
        var events = records.Where(r => r.Kind == RecordKind.Event).Select(r => r.Event!).ToList();
        Assert.Contains(events, e => e.Pipeline == "bearing" && e.Rising && e.ContextKind == "rms-snippet" && e.Context.Length == 16);
        Assert.Contains(events, e => e.Pipeline == "typed" && e.Rising && e.ContextKind == "rms-snippet" && e.Context.Length == 8);
        Assert.All(events.SelectMany(e => e.Context), v => Assert.True(v > 0));
    }

    [Fact]
    public void A_generated_pipeline_on_raw_windows_allocates_nothing_per_window()
    {
        var model = new HandWrittenBearingScore();
        var pipeline = new GeneratedPipeline(model.Infer, Shape);
        var config = new PipelineConfig("bearing", "s", null, "ByDelegate", Threshold: 2, 3, null, 8); // a sigmoid never reaches 2: no events
        var runner = new PipelineRunner(config, pipeline, new FrameRing(4, 3072, OverflowPolicy.Block), 20480, 3, TimeSpan.FromHours(1), _ => { }, 1);
        var simulator = new MachinerySimulator(MachineryOptions.AxleBox(1));
        var samples = new float[1000 * 3]; // not a multiple of the hop: windows straddle calls
        var windows = new float[HandWrittenBearingScore.InputLength * 4];
        for (int i = 0; i < 8; i++) { simulator.Generate(samples); runner.Process(samples, windows); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) { simulator.Generate(samples); runner.Process(samples, windows); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal((108 * 1000 - HandWrittenBearingScore.Window) / HandWrittenBearingScore.Hop + 1, model.Windows);
        Assert.Equal(model.Windows, runner.Metrics.Windows);
    }

    [Fact]
    public void A_generated_pipeline_whose_window_does_not_fit_the_source_is_refused_by_name()
    {
        var pipeline = new GeneratedPipeline(new HandWrittenBearingScore().Infer, Shape);
        var config = new PipelineConfig("bearing", "mono", null, "ByDelegate", 0.5, 3, null, 8);
        var e = Assert.Throws<AgentConfigException>(() =>
            new PipelineRunner(config, pipeline, new FrameRing(4, 1024, OverflowPolicy.Block), 20480, 1, TimeSpan.FromHours(1), _ => { }, 1));
        Assert.Contains("source 'mono' has 1 channels", e.Message);
    }

    private static async Task HttpUplinksUntil(LoopbackCollector collector, string device, Func<IReadOnlyList<UplinkRecord>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!done(collector.Records(device)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{collector.Records(device).Count} records arrived");
            await Task.Delay(20);
        }
    }
}
