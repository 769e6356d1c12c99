using System.Diagnostics;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Replay;

/// <summary>
/// Plays a recording into a <see cref="FrameRing"/> as frames with timestamps derived from the
/// recording's sample rate, either as fast as possible or at the recording's own pace.
/// </summary>
public sealed class RecordingReplay
{
    private readonly IRecordingSource _source;
    private readonly int _instantsPerFrame;
    private readonly ushort _sensorId;
    private readonly float[] _frame;

    /// <summary>Creates a replay of <paramref name="source"/> in frames of <paramref name="instantsPerFrame"/> instants.</summary>
    public RecordingReplay(IRecordingSource source, int instantsPerFrame, ushort sensorId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instantsPerFrame, 1);
        _source = source;
        _instantsPerFrame = instantsPerFrame;
        _sensorId = sensorId;
        _frame = new float[instantsPerFrame * source.ChannelCount];
    }

    /// <summary>Frames delivered so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Instants delivered so far.</summary>
    public long Instants { get; private set; }

    /// <summary>Reads the recording to its end (or cancellation), writing every frame to <paramref name="ring"/>.</summary>
    /// <param name="ring">Destination; its overflow policy decides what happens when the consumer falls behind.</param>
    /// <param name="pacing">Speed of delivery.</param>
    /// <param name="originNanoseconds">Timestamp of the recording's first sample.</param>
    /// <param name="cancellationToken">Stops the replay.</param>
    public void Run(FrameRing ring, ReplayPacing pacing, long originNanoseconds = 0, CancellationToken cancellationToken = default)
    {
        var clock = new SampleClock(_source.SampleRateHz, originNanoseconds);
        long startTicks = Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            int instants = _source.Read(_frame);
            if (instants == 0)
            {
                return;
            }

            long first = Instants;
            if (pacing == ReplayPacing.RealTime)
            {
                // Release when the last sample of the frame would have been measured.
                long dueNanoseconds = clock.TimestampOf(first + instants) - originNanoseconds;
                WaitUntil(startTicks, dueNanoseconds, cancellationToken);
            }

            var header = new FrameHeader(_sensorId, (uint)Frames, first, clock.TimestampOf(first), instants, _source.ChannelCount);
            ring.Write(header, _frame.AsSpan(0, instants * _source.ChannelCount), cancellationToken);
            Frames++;
            Instants += instants;
        }
    }

    private static void WaitUntil(long startTicks, long dueNanoseconds, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            long elapsedNanoseconds = (long)(Stopwatch.GetElapsedTime(startTicks).TotalMilliseconds * 1e6);
            long remaining = dueNanoseconds - elapsedNanoseconds;
            if (remaining <= 0)
            {
                return;
            }

            // Sleep for the bulk, spin the last millisecond: Thread.Sleep overshoots by up to a scheduler tick.
            if (remaining > 2_000_000)
            {
                Thread.Sleep(TimeSpan.FromTicks((remaining - 1_000_000) / 100));
            }
            else
            {
                Thread.SpinWait(50);
            }
        }
    }
}
