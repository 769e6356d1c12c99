using EdgeToken.Sensors.Replay;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Agent.Sources;

/// <summary>
/// A recording (CSV or WAV, as <c>edgetoken record</c> writes them) played as a sensor: at the recording's own
/// pace (<c>realTime</c>), or flat out, in which case the rings block instead of dropping so that every sample
/// is processed and the pipelines set the pace. At the end of the file the source goes quiet; the agent keeps
/// running (its uplink still drains) until it is stopped.
/// </summary>
public sealed class ReplaySource : ISensorSource
{
    public const int InstantsPerFrame = 1024;
    private readonly string _path;
    private readonly double? _csvSampleRateHz;
    private readonly FrameRing _inbox;
    private readonly List<FrameRing> _rings = [];
    private readonly CancellationTokenSource _stop = new();
    private Thread? _replayThread, _pumpThread;

    /// <param name="csvSampleRateHz">For a CSV recording without a time column; WAV headers carry the rate.</param>
    public ReplaySource(string name, string path, bool realTime, double? csvSampleRateHz = null)
    {
        Name = name;
        _path = path;
        _csvSampleRateHz = csvSampleRateHz;
        RealTime = realTime;
        using (var recording = RecordingFile.Open(path, csvSampleRateHz))
        {
            SampleRateHz = recording.SampleRateHz;
            ChannelCount = recording.ChannelCount;
        }
        _inbox = new FrameRing(16, InstantsPerFrame * ChannelCount, OverflowPolicy.Block, Timeout.InfiniteTimeSpan);
    }

    public string Name { get; }
    public double SampleRateHz { get; }
    public int ChannelCount { get; }
    public bool RealTime { get; }

    /// <summary>Sample instants played so far.</summary>
    public long Instants { get; private set; }

    /// <summary>True once the whole recording has been played.</summary>
    public bool Finished { get; private set; }

    public SourceHealth Health => default; // a file has no link to fail; a malformed one stops at open

    public FrameRing Subscribe(bool lossless)
    {
        bool block = lossless || !RealTime;
        var ring = new FrameRing(64, _inbox.MaxValuesPerFrame, block ? OverflowPolicy.Block : OverflowPolicy.DropOldest, block ? Timeout.InfiniteTimeSpan : null);
        _rings.Add(ring);
        return ring;
    }

    public void Start()
    {
        _replayThread = new Thread(Play) { Name = $"replay {Name}", IsBackground = true };
        _pumpThread = new Thread(Pump) { Name = $"fan-out {Name}", IsBackground = true };
        _replayThread.Start();
        _pumpThread.Start();
    }

    public void Stop()
    {
        _stop.Cancel();
        _replayThread?.Join();
        _pumpThread?.Join();
    }

    private void Play()
    {
        using var recording = RecordingFile.Open(_path, _csvSampleRateHz);
        var replay = new RecordingReplay(recording, InstantsPerFrame);
        long origin = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        try
        {
            replay.Run(_inbox, RealTime ? ReplayPacing.RealTime : ReplayPacing.AsFastAsPossible, origin, _stop.Token);
            Finished = !_stop.IsCancellationRequested;
        }
        catch (OperationCanceledException) { }
        Instants = replay.Instants;
    }

    private void Pump()
    {
        var values = new float[_inbox.MaxValuesPerFrame];
        var idle = new SpinWait();
        try
        {
            while (true)
            {
                if (_inbox.TryRead(out var header, values))
                {
                    idle.Reset();
                    foreach (var ring in _rings) ring.Write(header, values.AsSpan(0, header.ValueCount), _stop.Token);
                }
                else if (_stop.IsCancellationRequested) return;
                else if (!_replayThread!.IsAlive) Thread.Sleep(50); // played to the end: quiet until stopped
                else idle.SpinOnce(sleep1Threshold: 10);
            }
        }
        catch (OperationCanceledException) { }
    }
}
