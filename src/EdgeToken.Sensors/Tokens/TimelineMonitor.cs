namespace EdgeToken.Sensors.Tokens;

/// <summary>
/// Watches a stream of frames for lost frames, missing samples and clock jumps, and counts each
/// so that no discontinuity passes silently. After a clock jump it re-anchors on the new time.
/// </summary>
/// <remarks>
/// The sample index is the ground truth for spacing; the reported timestamp is checked against
/// the timeline the sample rate predicts. The tolerance defaults to half a sample period, which
/// tolerates timestamp quantisation but catches any step that would misplace a sample.
/// </remarks>
public sealed class TimelineMonitor
{
    private readonly long _toleranceNanoseconds;
    private SampleClock _clock;
    private bool _started;
    private uint _nextSequence;
    private long _nextSampleIndex;

    /// <summary>Creates a monitor for a stream sampled at <paramref name="sampleRateHz"/>.</summary>
    public TimelineMonitor(double sampleRateHz, long? clockToleranceNanoseconds = null)
    {
        _clock = new SampleClock(sampleRateHz);
        _toleranceNanoseconds = clockToleranceNanoseconds ?? (long)(_clock.PeriodNanoseconds / 2);
    }

    /// <summary>The timeline frames are expected on (re-anchored after each clock jump).</summary>
    public SampleClock Clock => _clock;

    /// <summary>Frames observed.</summary>
    public long Frames { get; private set; }

    /// <summary>Number of sequence gaps seen.</summary>
    public long SequenceGaps { get; private set; }

    /// <summary>Frames lost according to the sequence numbers.</summary>
    public long MissedFrames { get; private set; }

    /// <summary>Sample instants lost according to the sample indices.</summary>
    public long MissedSamples { get; private set; }

    /// <summary>Frames that overlapped or repeated earlier ones.</summary>
    public long Overlaps { get; private set; }

    /// <summary>Clock jumps seen.</summary>
    public long ClockJumps { get; private set; }

    /// <summary>Size of the most recent clock jump in nanoseconds (positive: the clock stepped forward).</summary>
    public long LastClockJumpNanoseconds { get; private set; }

    /// <summary>Checks <paramref name="frame"/> against the stream so far and updates the counters.</summary>
    public TimelineEvent Observe(in FrameHeader frame)
    {
        Frames++;
        if (!_started)
        {
            _started = true;
            _clock = _clock.Reanchored(frame.FirstSampleIndex, frame.TimestampNanoseconds);
            Advance(frame);
            return TimelineEvent.None;
        }

        TimelineEvent events = TimelineEvent.None;
        uint sequenceStep = unchecked(frame.Sequence - _nextSequence);
        if (sequenceStep != 0)
        {
            // A step in the upper half of the range is a repeat or a reordering, not a huge gap.
            if (sequenceStep < 0x8000_0000u)
            {
                events |= TimelineEvent.SequenceGap;
                SequenceGaps++;
                MissedFrames += sequenceStep;
            }
            else
            {
                events |= TimelineEvent.SampleOverlap;
            }
        }

        long sampleStep = frame.FirstSampleIndex - _nextSampleIndex;
        if (sampleStep > 0)
        {
            events |= TimelineEvent.SampleGap;
            MissedSamples += sampleStep;
        }
        else if (sampleStep < 0)
        {
            events |= TimelineEvent.SampleOverlap;
        }

        if ((events & TimelineEvent.SampleOverlap) != 0)
        {
            Overlaps++;
        }

        long drift = frame.TimestampNanoseconds - _clock.TimestampOf(frame.FirstSampleIndex);
        if (Math.Abs(drift) > _toleranceNanoseconds)
        {
            events |= TimelineEvent.ClockJump;
            ClockJumps++;
            LastClockJumpNanoseconds = drift;
            _clock = _clock.Reanchored(frame.FirstSampleIndex, frame.TimestampNanoseconds);
        }

        Advance(frame);
        return events;
    }

    private void Advance(in FrameHeader frame)
    {
        _nextSequence = unchecked(frame.Sequence + 1);
        _nextSampleIndex = frame.FirstSampleIndex + frame.SampleCount;
    }
}
