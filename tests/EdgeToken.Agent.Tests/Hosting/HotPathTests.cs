using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Sensors.Machinery;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Agent.Tests.Hosting;

public sealed class HotPathTests
{
    [Fact]
    public void Front_end_inference_and_interval_statistics_allocate_nothing_per_window()
    {
        using var dir = new TempDirectory();
        var pipeline = PlanPipeline.Load(TestPlans.WriteScorePlan(dir.Path));
        var config = new PipelineConfig("bearing", "s", null, "x", Threshold: 2, 3, null, 8); // a sigmoid never reaches 2: no events
        var runner = new PipelineRunner(config, pipeline, new FrameRing(4, 3072, OverflowPolicy.Block), 20480, 3, TimeSpan.FromHours(1), _ => { }, 1);
        var simulator = new MachinerySimulator(MachineryOptions.AxleBox(1));
        var samples = new float[1024 * 3];
        var features = new float[TestPlans.FeatureCount() * 4];
        for (int i = 0; i < 8; i++) { simulator.Generate(samples); runner.Process(samples, features); } // warm up, grow buffers
        long windows = runner.Metrics.Windows;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) { simulator.Generate(samples); runner.Process(samples, features); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(runner.Metrics.Windows - windows >= 90, $"{runner.Metrics.Windows - windows} windows");
        Assert.Equal(0, allocated); // fewer windows than the statistics buffers hold: nothing grows either
    }
}
