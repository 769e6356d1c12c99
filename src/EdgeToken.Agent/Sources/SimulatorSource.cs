using EdgeToken.Agent.Configuration;
using EdgeToken.Sensors.Machinery;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Agent.Sources;

/// <summary>
/// The bearing machinery simulator as a sensor: a thread that generates frames at the sample rate (or flat
/// out) and fans each out to the ring of every pipeline bound to it. Each pipeline has its own ring, so a slow
/// one loses its own oldest frames (counted) and never holds back the others.
/// </summary>
public sealed class SimulatorSource : ISensorSource
{
    public const int InstantsPerFrame = 1024;
    private readonly SourceConfig _config;
    private readonly MachinerySimulator _simulator;
    private readonly List<FrameRing> _rings = [];
    private Thread? _thread;
    private volatile bool _stop;

    public SimulatorSource(SourceConfig config)
    {
        _config = config;
        var faults = config.FaultOnsetSeconds is double onset ? new[] { new BearingFault(config.FaultKind, onset, config.FaultGrowthSeconds, config.FaultAmplitude) } : [];
        _simulator = new MachinerySimulator(MachineryOptions.AxleBox(config.Seed, faults) with { SampleRateHz = config.SampleRateHz, Shaft = RotatingShaft.Healthy(config.ShaftHz) });
    }

    public string Name => _config.Name;
    public double SampleRateHz => _config.SampleRateHz;
    public int ChannelCount => _simulator.ChannelCount;
    public long Frames { get; private set; }

    /// <summary>Sensor time generated so far, in seconds (ahead of the wall clock by <see cref="SourceConfig.Speedup"/>).</summary>
    public double SimulatedSeconds => _simulator.TimeSeconds;
    public SourceHealth Health => default; // a simulator has no link to fail

    public FrameRing Subscribe(bool lossless)
    {
        var ring = new FrameRing(_config.RingFrames, InstantsPerFrame * ChannelCount,
            lossless ? OverflowPolicy.Block : OverflowPolicy.DropOldest, lossless ? Timeout.InfiniteTimeSpan : null);
        _rings.Add(ring);
        return ring;
    }

    public void Start()
    {
        _thread = new Thread(Run) { Name = $"source {Name}", IsBackground = true };
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join();
    }

    private void Run()
    {
        var values = new float[InstantsPerFrame * ChannelCount];
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        long startNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        uint sequence = 0;
        while (!_stop)
        {
            long first = _simulator.SampleIndex;
            _simulator.Generate(values);
            var header = new FrameHeader(0, sequence++, first, startNanos + (long)(first * 1e9 / SampleRateHz), InstantsPerFrame, ChannelCount);
            foreach (var ring in _rings) ring.Write(header, values);
            Frames++;
            if (_config.RealTime)
            {
                double due = ((first + InstantsPerFrame) / SampleRateHz / _config.Speedup) - System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (due > 0) Thread.Sleep(TimeSpan.FromSeconds(due));
            }
        }
    }
}
