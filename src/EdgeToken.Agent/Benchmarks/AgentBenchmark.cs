using System.Diagnostics;
using System.IO.Compression;
using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Outbox;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Agent.Sources;
using EdgeToken.Agent.Uplinks;
using EdgeToken.Contracts;
using AgentOutbox = EdgeToken.Agent.Outbox.Outbox;

namespace EdgeToken.Agent.Benchmarks;

/// <param name="TokensPerCpuSecond">Tokens over the process's CPU time, simulator included: tokens/s per core, conservatively.</param>
/// <param name="UplinkBytes">What the HTTP uplink would put on the wire for everything produced: gzip'd batches of up to 1000 records.</param>
/// <param name="ReductionRatio">Raw token bytes (4 per token, one float32 sample) over uplink bytes.</param>
public sealed record AgentBenchmarkResult(
    long Tokens, long Windows, long Records, double WallSeconds, double CpuSeconds, double TokensPerSecond, double TokensPerCpuSecond,
    double MeanInferenceMicroseconds, long OutboxBytesWritten, long UplinkBytes, double UplinkBytesPerMillionTokens, double ReductionRatio,
    long PeakWorkingSetBytes, int Gen2Collections, double SummaryIntervalSeconds, int Channels, double SampleRateHz)
{
    /// <summary>The largest resident set sampled every 100 ms while the agent ran: unlike <see cref="PeakWorkingSetBytes"/>
    /// (the process's lifetime peak) it leaves out what happened before the run, such as compiling a generated class.</summary>
    public long RunPeakWorkingSetBytes { get; init; }
}

/// <summary>
/// The agent's hot path end to end, flat out: simulator -> ring -> bearing front-end -> pipeline -> summaries
/// and events -> the fsync'd outbox; then the uplink's batches of everything produced. Summary intervals are
/// measured in sample time, so the records per token are those of a device in the field.
/// </summary>
public static class AgentBenchmark
{
    public static AgentBenchmarkResult Run(IPipeline pipeline, TimeSpan duration, TimeSpan summaryInterval, string outboxDirectory, double sampleRateHz = 20480)
    {
        var source = new SimulatorSource(new SourceConfig("bench", "simulator", sampleRateHz, 7, RealTime: false, FaultOnsetSeconds: 120, RingFrames: 16));
        using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = outboxDirectory, DiskBudgetBytes = 1L << 30 });
        var config = new PipelineConfig("bench", "bench", null, "bench", 0.5, 3, null, 64);
        var runner = new PipelineRunner(config, pipeline, source.Subscribe(lossless: true), sampleRateHz, source.ChannelCount, summaryInterval,
            r => outbox.Append(r), 1, dataTimeIntervals: true);
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        int gen2 = GC.CollectionCount(2);
        var wall = Stopwatch.StartNew();
        runner.Start();
        source.Start();
        long runPeak = 0;
        while (wall.Elapsed < duration)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(100, Math.Max(1, (duration - wall.Elapsed).TotalMilliseconds))));
            process.Refresh();
            runPeak = Math.Max(runPeak, process.WorkingSet64);
        }
        source.Stop();
        runner.Stop();
        wall.Stop();
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        gen2 = GC.CollectionCount(2) - gen2;
        long written = outbox.Bytes;

        long uplink = 0, records = 0;
        while (outbox.Peek(WireFormat.MaxRecordsPerBatch, WireFormat.MaxBatchBytes - BatchComposer.EnvelopeBytes) is { Count: > 0 } batch)
        {
            var body = BatchComposer.Compose("wagon-17-axle-3", batch);
            var gz = new MemoryStream();
            using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(body);
            uplink += gz.Length;
            records += batch.Count;
            outbox.Acknowledge(batch[^1].Sequence);
        }
        var m = runner.Metrics;
        return new AgentBenchmarkResult(m.Tokens, m.Windows, records, wall.Elapsed.TotalSeconds, cpu, m.Tokens / wall.Elapsed.TotalSeconds, m.Tokens / cpu,
            m.InferenceTime.TotalMicroseconds / Math.Max(1, m.Windows), written, uplink, uplink * 1e6 / Math.Max(1, m.Tokens),
            m.Tokens * 4.0 / Math.Max(1, uplink), process.PeakWorkingSet64, gen2, summaryInterval.TotalSeconds, source.ChannelCount, sampleRateHz)
        {
            RunPeakWorkingSetBytes = runPeak,
        };
    }
}
