using EdgeToken.Sensors.Serial;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Agent.Sources;

/// <summary>
/// A sensor on a serial link (COBS + CRC-16 frames, src/EdgeToken.Sensors/Serial/README.md). The front-end's
/// reader decodes into one inbox ring; a pump fans each frame out to every pipeline's ring. Garbage on the
/// line (bad COBS, bad CRC, truncated or oversized frames) is counted by the decoder and never stops the
/// agent; the counts reach every summary's front-end health.
/// </summary>
public sealed class SerialSource : ISensorSource
{
    private readonly FrameRing _inbox;
    private readonly SerialSensorSource _reader;
    private readonly List<FrameRing> _rings = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _stopAtEndOfStream;
    private Thread? _readThread, _pumpThread;

    public SerialSource(string name, Func<Stream> open, double sampleRateHz, int channels, int maxSamplesPerFrame = 1024, float int16Scale = 1f, bool stopAtEndOfStream = false)
    {
        Name = name;
        SampleRateHz = sampleRateHz;
        ChannelCount = channels;
        _inbox = new FrameRing(64, maxSamplesPerFrame * channels, OverflowPolicy.DropOldest);
        var decoder = new SensorFrameDecoder(_inbox, sampleRateHz, int16Scale);
        _reader = new SerialSensorSource(open, decoder);
        _stopAtEndOfStream = stopAtEndOfStream;
    }

    public string Name { get; }
    public double SampleRateHz { get; }
    public int ChannelCount { get; }
    public SerialLinkCounters Counters => _reader.Counters;

    public SourceHealth Health => new(Counters.CrcErrors, Counters.CobsErrors + Counters.TruncatedFrames + Counters.OversizedFrames + Counters.UnsupportedFrames);

    public FrameRing Subscribe(bool lossless)
    {
        var ring = new FrameRing(64, _inbox.MaxValuesPerFrame, lossless ? OverflowPolicy.Block : OverflowPolicy.DropOldest, lossless ? Timeout.InfiniteTimeSpan : null);
        _rings.Add(ring);
        return ring;
    }

    public void Start()
    {
        _readThread = new Thread(() => _reader.Run(_stop.Token, _stopAtEndOfStream)) { Name = $"serial {Name}", IsBackground = true };
        _pumpThread = new Thread(Pump) { Name = $"fan-out {Name}", IsBackground = true };
        _readThread.Start();
        _pumpThread.Start();
    }

    public void Stop()
    {
        _stop.Cancel();
        _readThread?.Join();
        _pumpThread?.Join();
    }

    private void Pump()
    {
        var values = new float[_inbox.MaxValuesPerFrame];
        var idle = new SpinWait();
        while (true)
        {
            if (_inbox.TryRead(out var header, values))
            {
                idle.Reset();
                foreach (var ring in _rings) ring.Write(header, values.AsSpan(0, header.ValueCount));
            }
            else if (_stop.IsCancellationRequested && !_readThread!.IsAlive) return;
            else idle.SpinOnce(sleep1Threshold: 10);
        }
    }
}
