using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Hosting;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Agent.Tests.Receiver;
using EdgeToken.Contracts;
using EdgeToken.Sensors.Machinery;
using EdgeToken.Sensors.Replay;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeToken.Agent.Tests.Sources;

/// <summary>The <c>replay</c> and <c>i2c</c> sources of agent.json, through the whole agent to a loopback collector.</summary>
public sealed class RecordedAndI2cSourceTests
{
    [Theory]
    [InlineData("recording.wav")]
    [InlineData("recording.csv")]
    public async Task A_recording_played_flat_out_is_processed_to_the_last_sample(string file)
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        const int instants = 3 * 20480;
        var simulator = new MachinerySimulator(MachineryOptions.AxleBox(4));
        var samples = new float[instants * 3];
        simulator.Generate(samples);
        using (var sink = RecordingFile.Create(Path.Combine(dir.Path, file), 20480, 3)) sink.Write(samples);

        await using var collector = new LoopbackCollector();
        await collector.StartAsync();
        string path = TestPlans.WriteAgentConfig(dir.Path, collector.Address, collector.Token);
        File.WriteAllText(path, File.ReadAllText(path).Replace(
            "\"kind\": \"simulator\", \"sampleRateHz\": 20480, \"seed\": 3, \"realTime\": true",
            $"\"kind\": \"replay\", \"path\": \"{file}\", \"realTime\": false"));
        var config = AgentConfigReader.Read(path);
        Assert.Equal(20480, config.Sources[0].SampleRateHz, 3);
        var agent = new EdgeTokenAgent(config, new PipelineRegistry(), NullLogger.Instance);
        agent.Start();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (agent.Pipelines[0].Metrics.Tokens < instants * 3 && DateTime.UtcNow < deadline) await Task.Delay(20);
        await agent.StopAsync(TimeSpan.FromSeconds(10));
        await agent.DisposeAsync();

        var summaries = collector.Records(config.DeviceId).Where(r => r.Kind == RecordKind.Summary).Select(r => r.Summary!).ToList();
        Assert.Equal(instants * 3L, summaries.Sum(s => s.Tokens)); // every sample, none dropped
        Assert.All(summaries, s => Assert.Equal(0, s.Health.DroppedTokens + s.Health.Gaps));
        // Flat out, intervals are sample time: 0.2 s of recording per summary, 15 in 3 s (the last one may be empty).
        Assert.InRange(summaries.Count(s => s.Tokens > 0), 15, 16);
    }

    [Fact]
    public async Task A_lis3dh_on_i2c_streams_through_the_agent_and_a_fifo_overrun_is_a_counted_gap()
    {
        using var dir = new TempDirectory();
        await using var collector = new LoopbackCollector();
        await collector.StartAsync();
        string path = TestPlans.WriteAgentConfig(dir.Path, collector.Address, collector.Token);
        File.WriteAllText(path, File.ReadAllText(path)
            .Replace("\"kind\": \"simulator\", \"sampleRateHz\": 20480, \"seed\": 3, \"realTime\": true", "\"kind\": \"i2c\", \"bus\": 1, \"address\": 24, \"sampleRateHz\": 1344, \"fullScaleG\": 4")
            .Replace("\"plan\": \"bearing.etplan\"", "\"type\": \"Rms\""));
        var registry = new PipelineRegistry().AddGenerated("Rms", () => (window, output) =>
        {
            double sum = 0;
            foreach (float v in window) sum += (double)v * v;
            output[0] = (float)Math.Sqrt(sum / window.Length);
        }, new GeneratedPipelineShape(new SampleWindow(3, 64, 32), 1, "rms-1"));
        var config = AgentConfigReader.Read(path, registry.Contains);
        var chip = new StreamingLis3dh(1344, overrunAfter: 600);
        var agent = new EdgeTokenAgent(config, registry, NullLogger.Instance) { OpenI2cDevice = _ => chip };
        agent.Start();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (agent.Pipelines[0].Metrics.Windows < 40 && DateTime.UtcNow < deadline) await Task.Delay(20);
        await agent.StopAsync(TimeSpan.FromSeconds(10));
        await agent.DisposeAsync();

        var summaries = collector.Records(config.DeviceId).Where(r => r.Kind == RecordKind.Summary).Select(r => r.Summary!).ToList();
        Assert.True(summaries.Sum(s => s.Windows) >= 40, $"{summaries.Sum(s => s.Windows)} windows");
        Assert.True(summaries.Sum(s => s.Health.Gaps) == 1, // the one overrun, and nothing else
            $"gaps {summaries.Sum(s => s.Health.Gaps)}, polls {chip.Polls}, measured {chip.Measured}; summaries (tokens/gaps/jumps/dropped): " +
            string.Join(" ", summaries.Select(s => $"{s.Tokens}/{s.Health.Gaps}/{s.Health.ClockJumps}/{s.Health.DroppedTokens}")));
        Assert.Equal(0, summaries.Sum(s => s.Tokens) % (3 * 128)); // whole frames of X, Y, Z
        // Sines of 800 and 400 counts on X and Y and 500 on Z, at 2 mg/count (+-4 g, 12 bits): an RMS of about 0.93 g.
        var busy = summaries.First(s => s.Windows > 0);
        Assert.InRange(busy.Score.Mean, 0.8, 1.1);
    }

    [Theory]
    [InlineData("\"kind\": \"replay\", \"path\": \"missing.wav\"", "$.sources[0].path: the recording")]
    [InlineData("\"kind\": \"replay\"", "$.sources[0].path: missing")]
    [InlineData("\"kind\": \"i2c\", \"sampleRateHz\": 20480", "$.sources[0].sampleRateHz: the LIS3DH samples at")]
    [InlineData("\"kind\": \"i2c\", \"sampleRateHz\": 1344, \"fullScaleG\": 3", "$.sources[0].fullScaleG: the LIS3DH's range")]
    [InlineData("\"kind\": \"i2c\", \"sampleRateHz\": 1344, \"address\": 200", "$.sources[0].address: expected a number")]
    public void Replay_and_i2c_sources_are_validated_at_start(string source, string expected)
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        string path = TestPlans.WriteAgentConfig(dir.Path, new Uri("http://127.0.0.1:9"), "t");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"kind\": \"simulator\", \"sampleRateHz\": 20480, \"seed\": 3, \"realTime\": true", source));
        var e = Assert.Throws<AgentConfigException>(() => AgentConfigReader.Read(path));
        Assert.Contains(e.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_i2c_bus_without_a_lis3dh_stops_the_agent_naming_bus_and_address()
    {
        using var dir = new TempDirectory();
        string path = TestPlans.WriteAgentConfig(dir.Path, new Uri("http://127.0.0.1:9"), "t");
        File.WriteAllText(path, File.ReadAllText(path)
            .Replace("\"kind\": \"simulator\", \"sampleRateHz\": 20480, \"seed\": 3, \"realTime\": true", "\"kind\": \"i2c\", \"bus\": 7, \"address\": 25")
            .Replace("\"plan\": \"bearing.etplan\"", "\"type\": \"Rms\""));
        var registry = new PipelineRegistry().AddGenerated("Rms", () => (_, o) => o[0] = 0, new GeneratedPipelineShape(new SampleWindow(3, 64, 32), 1, "rms-1"));
        var agent = new EdgeTokenAgent(AgentConfigReader.Read(path, registry.Contains), registry, NullLogger.Instance)
        {
            OpenI2cDevice = _ => new Sensors.Tests.Devices.SimulatedLis3dh(whoAmI: 0x32),
        };
        var e = Assert.Throws<AgentConfigException>(agent.Start);
        Assert.Contains("$.sources[0].bus: cannot open the LIS3DH on I2C bus 7 at address 0x19", e.Message);
    }
}
