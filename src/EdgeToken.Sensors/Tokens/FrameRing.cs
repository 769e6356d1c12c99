using System.Diagnostics;

namespace EdgeToken.Sensors.Tokens;

/// <summary>
/// A preallocated single-producer / single-consumer ring of sample frames. Writing and reading
/// copy values into and out of slots owned by the ring, so neither side allocates per frame.
/// </summary>
/// <remarks>
/// <para>
/// Exactly one thread may call <see cref="Write"/> and exactly one thread may call
/// <see cref="TryRead"/>. Indices grow monotonically (a 64-bit index does not wrap in the
/// lifetime of a device), so "full" is <c>write - read == capacity</c> without a spare slot.
/// </para>
/// <para>
/// <see cref="OverflowPolicy.DropOldest"/> lets the producer advance the read index. The consumer
/// therefore copies a slot first and then claims it with a compare-and-swap; if the producer
/// dropped that frame meanwhile (and may be overwriting the slot), the claim fails and the
/// possibly torn copy is discarded. This is the same validate-after-read idea as a seqlock.
/// </para>
/// </remarks>
public sealed class FrameRing
{
    private readonly FrameHeader[] _headers;
    private readonly float[] _values;
    private readonly int _capacity;
    private readonly int _maxValuesPerFrame;
    private readonly long _blockTimeoutTicks;

    private long _writeIndex;
    private long _readIndex;
    private long _droppedOldest;
    private long _droppedNewest;
    private long _blockedWrites;
    private long _timedOutWrites;

    /// <summary>Creates a ring of <paramref name="capacity"/> frames of at most <paramref name="maxValuesPerFrame"/> values each.</summary>
    /// <param name="capacity">Number of frames the ring holds.</param>
    /// <param name="maxValuesPerFrame">Largest <see cref="FrameHeader.ValueCount"/> accepted.</param>
    /// <param name="policy">What to do when the producer finds the ring full.</param>
    /// <param name="blockTimeout">For <see cref="OverflowPolicy.Block"/>: how long a write may wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    public FrameRing(int capacity, int maxValuesPerFrame, OverflowPolicy policy, TimeSpan? blockTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxValuesPerFrame, 1);
        _capacity = capacity;
        _maxValuesPerFrame = maxValuesPerFrame;
        Policy = policy;
        _headers = new FrameHeader[capacity];
        _values = new float[checked(capacity * maxValuesPerFrame)];
        TimeSpan timeout = blockTimeout ?? Timeout.InfiniteTimeSpan;
        _blockTimeoutTicks = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Overflow policy chosen at construction.</summary>
    public OverflowPolicy Policy { get; }

    /// <summary>Number of frames the ring holds.</summary>
    public int Capacity => _capacity;

    /// <summary>Largest number of values one frame may carry.</summary>
    public int MaxValuesPerFrame => _maxValuesPerFrame;

    /// <summary>Frames currently queued (a snapshot; either side may move it immediately).</summary>
    public int Count => (int)(Volatile.Read(ref _writeIndex) - Volatile.Read(ref _readIndex));

    /// <summary>Frames discarded under <see cref="OverflowPolicy.DropOldest"/>.</summary>
    public long DroppedOldest => Volatile.Read(ref _droppedOldest);

    /// <summary>Frames discarded under <see cref="OverflowPolicy.DropNewest"/>.</summary>
    public long DroppedNewest => Volatile.Read(ref _droppedNewest);

    /// <summary>Writes that had to wait for the consumer under <see cref="OverflowPolicy.Block"/>.</summary>
    public long BlockedWrites => Volatile.Read(ref _blockedWrites);

    /// <summary>Writes under <see cref="OverflowPolicy.Block"/> that gave up (timeout or cancellation); those frames are lost.</summary>
    public long TimedOutWrites => Volatile.Read(ref _timedOutWrites);

    /// <summary>Total frames lost for any reason.</summary>
    public long TotalLost => DroppedOldest + DroppedNewest + TimedOutWrites;

    /// <summary>Producer side: queues one frame, applying the overflow policy if the ring is full.</summary>
    /// <param name="header">Frame description; <see cref="FrameHeader.ValueCount"/> must equal <paramref name="values"/>.Length.</param>
    /// <param name="values">Interleaved samples (instant-major, channel-minor).</param>
    /// <param name="cancellationToken">Ends a blocked wait early.</param>
    public RingWriteResult Write(in FrameHeader header, ReadOnlySpan<float> values, CancellationToken cancellationToken = default)
    {
        if (values.Length != header.ValueCount)
        {
            throw new ArgumentException($"Frame header says {header.SampleCount} samples x {header.ChannelCount} channels = {header.ValueCount} values but {values.Length} were given.", nameof(values));
        }

        if (values.Length > _maxValuesPerFrame)
        {
            throw new ArgumentException($"Frame of {values.Length} values exceeds the ring's {_maxValuesPerFrame} values per frame; create the ring with a larger maxValuesPerFrame.", nameof(values));
        }

        long write = _writeIndex; // only this thread writes it
        RingWriteResult result = RingWriteResult.Written;
        if (write - Volatile.Read(ref _readIndex) >= _capacity)
        {
            switch (Policy)
            {
                case OverflowPolicy.DropNewest:
                    Interlocked.Increment(ref _droppedNewest);
                    return RingWriteResult.DroppedNewest;
                case OverflowPolicy.DropOldest:
                    long read = Volatile.Read(ref _readIndex);
                    // If the consumer claimed the oldest frame first, the CAS fails and there is room anyway.
                    if (write - read >= _capacity && Interlocked.CompareExchange(ref _readIndex, read + 1, read) == read)
                    {
                        Interlocked.Increment(ref _droppedOldest);
                        result = RingWriteResult.WrittenAfterDroppingOldest;
                    }

                    break;
                default:
                    if (!WaitForSpace(write, cancellationToken))
                    {
                        Interlocked.Increment(ref _timedOutWrites);
                        return RingWriteResult.TimedOut;
                    }

                    break;
            }
        }

        int slot = (int)(write % _capacity);
        _headers[slot] = header;
        values.CopyTo(_values.AsSpan(slot * _maxValuesPerFrame, values.Length));
        Volatile.Write(ref _writeIndex, write + 1);
        return result;
    }

    /// <summary>Consumer side: takes the oldest queued frame, copying its values into <paramref name="destination"/>.</summary>
    /// <returns><see langword="false"/> if the ring is empty.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the frame.</exception>
    public bool TryRead(out FrameHeader header, Span<float> destination)
    {
        while (true)
        {
            long read = Volatile.Read(ref _readIndex);
            if (read >= Volatile.Read(ref _writeIndex))
            {
                header = default;
                return false;
            }

            int slot = (int)(read % _capacity);
            FrameHeader candidate = _headers[slot];
            int count = candidate.ValueCount;
            if ((uint)count > (uint)_maxValuesPerFrame)
            {
                // Torn header from a concurrent overwrite; the CAS below will tell.
                count = 0;
            }
            else if (count > destination.Length)
            {
                if (Volatile.Read(ref _readIndex) == read)
                {
                    throw new ArgumentException($"Destination holds {destination.Length} values but the next frame has {count}; pass a span of at least MaxValuesPerFrame ({_maxValuesPerFrame}).", nameof(destination));
                }

                continue;
            }

            _values.AsSpan(slot * _maxValuesPerFrame, count).CopyTo(destination);
            if (Interlocked.CompareExchange(ref _readIndex, read + 1, read) == read)
            {
                header = candidate;
                return true;
            }

            // The producer dropped this frame while it was being copied: the copy may be torn, try the next one.
        }
    }

    private bool WaitForSpace(long write, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _blockedWrites);
        long start = Stopwatch.GetTimestamp();
        SpinWait spin = default;
        while (write - Volatile.Read(ref _readIndex) >= _capacity)
        {
            if (cancellationToken.IsCancellationRequested || Stopwatch.GetTimestamp() - start > _blockTimeoutTicks)
            {
                return false;
            }

            spin.SpinOnce(sleep1Threshold: 50);
        }

        return true;
    }
}
