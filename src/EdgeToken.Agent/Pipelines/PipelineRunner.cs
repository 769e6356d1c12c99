using System.Diagnostics;
using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Sources;
using EdgeToken.Contracts;
using EdgeToken.Sensors.FrontEnd;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Agent.Pipelines;

/// <summary>
/// One pipeline on its own thread: frames from its ring -> the bearing front-end (or raw sample windows, for
/// pipelines that take samples) -> the pipeline per window -> interval statistics, debounced events, and a
/// summary per interval, each handed to <c>produce</c> (the outbox). Stopping drains the ring and emits the
/// last, partial interval.
/// </summary>
public sealed class PipelineRunner
{
    private readonly PipelineConfig _config;
    private readonly IPipeline _pipeline;
    private readonly FrameRing _ring;
    private readonly IWindowing _windowing;
    private readonly TimelineMonitor _timeline;
    private readonly Action<UplinkRecord> _produce;
    private readonly TimeSpan _interval;
    private readonly IntervalStatistics _statistics;
    private readonly Debouncer _debouncer;
    private readonly bool _classifier;
    private readonly double _windowSeconds;
    private readonly long _intervalTokens;
    private readonly Func<SourceHealth> _sourceHealth;
    private SourceHealth _healthAtStart;
    private Thread? _thread;
    private volatile bool _stop;

    public PipelineRunner(PipelineConfig config, IPipeline pipeline, FrameRing ring, double sampleRateHz, int channels,
        TimeSpan summaryInterval, Action<UplinkRecord> produce, int classCount, bool dataTimeIntervals = false, Func<SourceHealth>? sourceHealth = null)
    {
        _sourceHealth = sourceHealth ?? (() => default);
        // Replay and benchmarks run faster than real time: their intervals are measured in samples, not on the clock.
        _intervalTokens = dataTimeIntervals ? (long)(summaryInterval.TotalSeconds * sampleRateHz * channels) : long.MaxValue;
        _config = config;
        _pipeline = pipeline;
        _ring = ring;
        if (pipeline.SampleWindow is { } window)
        {
            if (window.Channels != channels || pipeline.InputLength != window.Values)
                throw new AgentConfigException("agent.json", [$"$.pipelines[{config.Name}]: the pipeline takes windows of {window.Frames} frames of {window.Channels} channels ({pipeline.InputLength} values), but its source '{config.Source}' has {channels} channels"]);
            _windowing = new SampleWindower(window);
        }
        else
        {
            var frontEnd = new BearingFrontEnd(BearingFrontEndOptions.Default(sampleRateHz) with { ChannelCount = channels });
            if (pipeline.InputLength != frontEnd.FeatureCount)
                throw new AgentConfigException("agent.json", [$"$.pipelines[{config.Name}]: the pipeline takes {pipeline.InputLength} features, but the bearing front-end gives {frontEnd.FeatureCount} for {channels} channels; compile the model for that input"]);
            _windowing = new FrontEndWindowing(frontEnd);
        }
        _timeline = new TimelineMonitor(sampleRateHz);
        _produce = produce;
        _interval = summaryInterval;
        _classifier = classCount > 1;
        _statistics = new IntervalStatistics(classCount);
        _debouncer = new Debouncer(config.DebounceWindows, Math.Max(config.DebounceWindows, config.DebounceSpan));
        _windowSeconds = _windowing.Hop / sampleRateHz;
        Metrics = new PipelineMetrics(config.Name);
    }

    public PipelineMetrics Metrics { get; }
    public string Version => _pipeline.Version;

    public void Start()
    {
        _thread = new Thread(Run) { Name = $"pipeline {_config.Name}", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Call after the source stopped: processes what is still in the ring, emits the last summary.</summary>
    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }

    private void Run()
    {
        var frame = new float[_ring.MaxValuesPerFrame];
        var features = new float[_windowing.WindowValues * 4];
        var from = DateTimeOffset.UtcNow;
        long intervalStart = Stopwatch.GetTimestamp();
        long tokens = 0, gapsAtStart = 0, jumpsAtStart = 0, lostAtStart = 0;
        var idle = new SpinWait();
        while (true)
        {
            if (_ring.TryRead(out var header, frame))
            {
                idle.Reset();
                _timeline.Observe(header);
                Process(frame.AsSpan(0, header.ValueCount), features);
                tokens += header.ValueCount;
                Metrics.AddTokens(header.ValueCount);
            }
            else if (_stop) break;
            else idle.SpinOnce(sleep1Threshold: 10);

            if (tokens >= _intervalTokens || (_intervalTokens == long.MaxValue && Stopwatch.GetElapsedTime(intervalStart) >= _interval))
            {
                EmitSummary(ref from, ref tokens, ref gapsAtStart, ref jumpsAtStart, ref lostAtStart);
                intervalStart = Stopwatch.GetTimestamp();
            }
        }
        EmitSummary(ref from, ref tokens, ref gapsAtStart, ref jumpsAtStart, ref lostAtStart);
    }

    internal void Process(ReadOnlySpan<float> samples, Span<float> features)
    {
        int featureCount = _windowing.WindowValues;
        while (!samples.IsEmpty)
        {
            var progress = _windowing.Process(samples, features);
            samples = samples[(progress.InstantsConsumed * _windowing.ChannelCount)..];
            for (int w = 0; w < progress.WindowsWritten; w++)
            {
                var window = features.Slice(w * featureCount, featureCount);
                long t0 = Stopwatch.GetTimestamp();
                float score = _pipeline.Infer(window, out int classIndex);
                var elapsed = Stopwatch.GetElapsedTime(t0);
                Metrics.AddWindow(elapsed);
                bool above = _classifier ? classIndex > 0 : score >= _config.Threshold; // class 0 is "healthy" by convention
                _statistics.Add(score, classIndex, (float)(elapsed.Ticks / 10.0), above);
                if (_debouncer.Observe(above)) EmitEvent(score, classIndex, window);
            }
            if (progress.InstantsConsumed == 0 && progress.WindowsWritten == 0) break;
        }
    }

    private void EmitEvent(float score, int classIndex, ReadOnlySpan<float> window)
    {
        string? label = classIndex < 0 ? null : _config.Labels is { } l && classIndex < l.Length ? l[classIndex] : $"class{classIndex}";
        // Features are already a summary of the window: send the first ones. Raw samples are downsampled.
        bool raw = _windowing is SampleWindower;
        var context = raw ? EventContext.RmsSnippet(window, _windowing.ChannelCount, _config.ContextLength) : window[..Math.Min(window.Length, _config.ContextLength)].ToArray();
        _produce(new UplinkRecord(0, RecordKind.Event, DateTimeOffset.UtcNow,
            Event: new EventPayload(_config.Name, label, score, _config.Threshold, _debouncer.State, raw ? EventContext.RmsSnippetKind : EventContext.FeaturesKind, context)));
    }

    private void EmitSummary(ref DateTimeOffset from, ref long tokens, ref long gaps, ref long jumps, ref long lost)
    {
        var to = DateTimeOffset.UtcNow;
        long lostNow = _ring.TotalLost * _ring.MaxValuesPerFrame;
        Metrics.SetDropped(lostNow);
        var link = _sourceHealth();
        var health = new FrontEndHealth(_timeline.SequenceGaps - gaps, _timeline.ClockJumps - jumps, link.CrcErrors - _healthAtStart.CrcErrors,
            link.Garbage - _healthAtStart.Garbage, lostNow - lost);
        _healthAtStart = link;
        _produce(new UplinkRecord(0, RecordKind.Summary, to, Summary: new SummaryPayload(_config.Name, from, to, tokens, _statistics.Windows,
            _statistics.Score(), _statistics.ClassHistogram(_config.Labels, _classifier), _statistics.WindowsAbove * _windowSeconds, health, _statistics.Latency())));
        _statistics.Reset();
        from = to;
        tokens = 0;
        gaps = _timeline.SequenceGaps;
        jumps = _timeline.ClockJumps;
        lost = lostNow;
    }
}
