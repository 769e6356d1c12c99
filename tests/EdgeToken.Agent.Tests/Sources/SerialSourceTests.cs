using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Agent.Sources;
using EdgeToken.Contracts;
using EdgeToken.Sensors.Serial;

namespace EdgeToken.Agent.Tests.Sources;

public sealed class SerialSourceTests
{
    [Fact]
    public void Garbage_on_the_serial_line_is_counted_in_the_summaries_and_the_pipeline_keeps_running()
    {
        using var dir = new TempDirectory();
        const int instants = 256, channels = 3, frames = 48;
        var line = new MemoryStream();
        var rng = new Random(11);
        var wire = new byte[SensorFrameEncoder.MaxWireLength(instants * channels * 4)];
        var samples = new float[instants * channels];
        int corrupted = 0, garbage = 0;
        for (int f = 0; f < frames; f++)
        {
            for (int i = 0; i < samples.Length; i++) samples[i] = (float)Math.Sin((f * instants + i / channels) * 0.3) + (float)rng.NextDouble() * 0.1f;
            int n = SensorFrameEncoder.EncodeFloat32(1, (ushort)f, channels, samples, wire);
            if (f % 7 == 3) { wire[n / 2] ^= 0x55; corrupted++; } // a flipped bit on the line: the CRC catches it
            line.Write(wire, 0, n);
            if (f % 5 == 1)
            {
                var noise = new byte[rng.Next(5, 60)];
                rng.NextBytes(noise);
                noise[^1] = 0; // the COBS delimiter ends the garbage as a (bad) frame
                line.Write(noise);
                garbage++;
            }
        }
        var bytes = line.ToArray();
        var source = new SerialSource("axle-serial", () => new MemoryStream(bytes), 20480, channels, maxSamplesPerFrame: instants, stopAtEndOfStream: true);
        var produced = new List<UplinkRecord>();
        var pipeline = PlanPipeline.Load(TestPlans.WriteScorePlan(dir.Path));
        var config = new PipelineConfig("bearing", "axle-serial", null, "x", 0.5, 2, null, 8);
        var runner = new PipelineRunner(config, pipeline, source.Subscribe(lossless: true), 20480, channels, TimeSpan.FromHours(1),
            r => { lock (produced) produced.Add(r); }, 1, sourceHealth: () => source.Health);
        runner.Start();
        source.Start();
        SpinWait.SpinUntil(() => source.Counters.BytesReceived == bytes.Length, TimeSpan.FromSeconds(30));
        source.Stop();
        runner.Stop();

        var summary = Assert.Single(produced, r => r.Kind == RecordKind.Summary).Summary!;
        long good = frames - corrupted;
        Assert.Equal(good * instants * channels, summary.Tokens);
        Assert.True(summary.Windows > 0);
        Assert.InRange(summary.Health.CrcErrors, corrupted, corrupted + garbage); // random garbage may itself decode and fail its CRC
        Assert.True(summary.Health.Garbage + summary.Health.CrcErrors >= corrupted + garbage - 1, $"{summary.Health}");
        Assert.True(summary.Health.Gaps > 0, "a dropped frame leaves a sequence gap");
    }
}
