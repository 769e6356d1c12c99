using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Tests.Tokens;

public sealed class FrameRingTests
{
    private static FrameHeader Header(uint sequence, int samples = 2, int channels = 2) =>
        new(7, sequence, sequence * samples, 0, samples, channels);

    private static float[] Values(uint sequence, int count = 4)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (sequence * 100) + i;
        }

        return values;
    }

    [Fact]
    public void ReadsFramesInOrderWithValues()
    {
        var ring = new FrameRing(4, 4, OverflowPolicy.DropNewest);
        for (uint s = 0; s < 3; s++)
        {
            Assert.Equal(RingWriteResult.Written, ring.Write(Header(s), Values(s)));
        }

        Span<float> buffer = stackalloc float[4];
        for (uint s = 0; s < 3; s++)
        {
            Assert.True(ring.TryRead(out FrameHeader header, buffer));
            Assert.Equal(s, header.Sequence);
            Assert.Equal(Values(s), buffer.ToArray());
        }

        Assert.False(ring.TryRead(out _, buffer));
    }

    [Fact]
    public void DropNewestKeepsQueuedFramesAndCounts()
    {
        var ring = new FrameRing(2, 4, OverflowPolicy.DropNewest);
        ring.Write(Header(0), Values(0));
        ring.Write(Header(1), Values(1));
        Assert.Equal(RingWriteResult.DroppedNewest, ring.Write(Header(2), Values(2)));
        Assert.Equal(RingWriteResult.DroppedNewest, ring.Write(Header(3), Values(3)));
        Assert.Equal(2, ring.DroppedNewest);
        Assert.Equal(0, ring.DroppedOldest);

        Span<float> buffer = stackalloc float[4];
        Assert.True(ring.TryRead(out FrameHeader first, buffer));
        Assert.Equal(0u, first.Sequence);
    }

    [Fact]
    public void DropOldestKeepsNewestFramesAndCounts()
    {
        var ring = new FrameRing(2, 4, OverflowPolicy.DropOldest);
        for (uint s = 0; s < 5; s++)
        {
            RingWriteResult result = ring.Write(Header(s), Values(s));
            Assert.Equal(s < 2 ? RingWriteResult.Written : RingWriteResult.WrittenAfterDroppingOldest, result);
        }

        Assert.Equal(3, ring.DroppedOldest);
        Span<float> buffer = stackalloc float[4];
        Assert.True(ring.TryRead(out FrameHeader a, buffer));
        Assert.Equal(3u, a.Sequence);
        Assert.Equal(Values(3), buffer.ToArray());
        Assert.True(ring.TryRead(out FrameHeader b, buffer));
        Assert.Equal(4u, b.Sequence);
    }

    [Fact]
    public void BlockTimesOutAndCounts()
    {
        var ring = new FrameRing(1, 4, OverflowPolicy.Block, TimeSpan.FromMilliseconds(20));
        ring.Write(Header(0), Values(0));
        Assert.Equal(RingWriteResult.TimedOut, ring.Write(Header(1), Values(1)));
        Assert.Equal(1, ring.BlockedWrites);
        Assert.Equal(1, ring.TimedOutWrites);
        Assert.Equal(1, ring.TotalLost);
    }

    [Theory]
    [InlineData(OverflowPolicy.Block)]
    [InlineData(OverflowPolicy.DropOldest)]
    [InlineData(OverflowPolicy.DropNewest)]
    public void ConcurrentProducerConsumerNeverTearsAndAccountsForEveryFrame(OverflowPolicy policy)
    {
        const int frames = 200_000;
        const int valuesPerFrame = 8;
        var ring = new FrameRing(8, valuesPerFrame, policy);
        long received = 0;
        long lastSequence = -1;
        bool torn = false;
        bool outOfOrder = false;

        var consumer = new Thread(() =>
        {
            Span<float> buffer = stackalloc float[valuesPerFrame];
            while (true)
            {
                if (!ring.TryRead(out FrameHeader header, buffer))
                {
                    if (Volatile.Read(ref received) < 0)
                    {
                        break;
                    }

                    Thread.SpinWait(10);
                    continue;
                }

                if (header.Sequence == uint.MaxValue)
                {
                    break;
                }

                for (int i = 0; i < valuesPerFrame; i++)
                {
                    torn |= buffer[i] != header.Sequence + i;
                }

                outOfOrder |= header.Sequence <= lastSequence;
                lastSequence = header.Sequence;
                received++;
            }
        });
        consumer.Start();

        float[] values = new float[valuesPerFrame];
        for (uint s = 0; s < frames; s++)
        {
            for (int i = 0; i < valuesPerFrame; i++)
            {
                values[i] = s + i;
            }

            ring.Write(new FrameHeader(1, s, s, 0, 1, valuesPerFrame), values);
        }

        // The end marker must not be lost, so wait for room whatever the policy.
        while (ring.Count >= ring.Capacity)
        {
            Thread.Yield();
        }

        ring.Write(new FrameHeader(1, uint.MaxValue, 0, 0, 1, valuesPerFrame), values);
        Assert.True(consumer.Join(TimeSpan.FromSeconds(30)));

        Assert.False(torn);
        Assert.False(outOfOrder);
        Assert.Equal(frames, received + ring.TotalLost);
        if (policy == OverflowPolicy.Block)
        {
            Assert.Equal(frames, received);
        }
    }

    [Fact]
    public void WriteAndReadDoNotAllocate()
    {
        var ring = new FrameRing(4, 4, OverflowPolicy.DropOldest);
        float[] values = Values(1);
        float[] buffer = new float[4];
        for (uint s = 0; s < 100; s++)
        {
            ring.Write(Header(s), values);
            ring.TryRead(out _, buffer);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint s = 0; s < 10_000; s++)
        {
            ring.Write(Header(s), values);
            ring.Write(Header(s), values);
            ring.TryRead(out _, buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
