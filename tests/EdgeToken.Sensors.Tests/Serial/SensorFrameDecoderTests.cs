using EdgeToken.Sensors.Serial;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Tests.Serial;

public sealed class SensorFrameDecoderTests
{
    internal static byte[] Frame(byte sensor, ushort sequence, params short[] samples)
    {
        byte[] wire = new byte[SensorFrameEncoder.MaxWireLength(samples.Length * 2)];
        int n = SensorFrameEncoder.EncodeInt16(sensor, sequence, 3, samples, wire);
        return wire[..n];
    }

    [Fact]
    public void EncoderWritesDocumentedLayout()
    {
        byte[] wire = new byte[64];
        int n = SensorFrameEncoder.EncodeInt16(1, 0x0203, 1, [0x0102], wire);
        byte[] decoded = new byte[64];
        Assert.Equal(0, wire[n - 1]);
        Assert.True(Cobs.TryDecode(wire.AsSpan(0, n - 1), decoded, out int m));
        ushort crc = Crc16CcittFalse.Compute(decoded.AsSpan(0, 10));
        Assert.Equal(new byte[] { 1, 1, 0x03, 0x02, 1, 0, 1, 0, 0x02, 0x01, (byte)crc, (byte)(crc >> 8) }, decoded[..m]);
    }

    [Fact]
    public void SkipsGarbageBadCrcTruncationAndCountsGaps()
    {
        var ring = new FrameRing(16, 64, OverflowPolicy.DropNewest);
        var decoder = new SensorFrameDecoder(ring, 1000, int16Scale: 0.5f);
        var stream = new List<byte>();
        stream.AddRange([0x13, 0x37, 0xFF]); // joined mid-frame: garbage before the first delimiter
        stream.Add(0);
        stream.AddRange(Frame(1, 0, 2, 4, 6));
        byte[] bad = Frame(1, 1, 8, 10, 12);
        bad[5] ^= 0x40; // flip a bit inside: CRC fails (or COBS, if it hit a code byte)
        stream.AddRange(bad);
        byte[] truncated = Frame(1, 2, 1, 1, 1);
        stream.AddRange(truncated[..6]);
        stream.Add(0);
        stream.Add(0); // idle delimiter
        stream.AddRange(Frame(1, 4, 20, 22, 24)); // 1, 2, 3 lost
        stream.AddRange(new byte[5000]); // long zero run: only idle delimiters
        var rng = new Random(2);
        byte[] noise = new byte[5000];
        rng.NextBytes(noise);
        for (int i = 0; i < noise.Length; i++)
        {
            noise[i] |= 1; // no delimiter for 5000 bytes: oversized
        }

        stream.AddRange(noise);
        stream.Add(0);
        stream.AddRange(Frame(1, 5, 30, 32, 34));

        // Feed in awkward pieces to exercise the reassembly.
        byte[] all = stream.ToArray();
        for (int i = 0; i < all.Length; i += 7)
        {
            decoder.Feed(all.AsSpan(i, Math.Min(7, all.Length - i)));
        }

        SerialLinkCounters c = decoder.Counters;
        Assert.Equal(3, c.FramesDecoded);
        Assert.Equal(1, c.CrcErrors); // the flipped data bit
        Assert.Equal(2, c.CobsErrors + c.TruncatedFrames); // the leading garbage and the cut frame
        Assert.Equal(4, c.RejectedFrames);
        Assert.Equal(1, c.OversizedFrames);
        Assert.Equal(1, c.SequenceGaps);
        Assert.Equal(3, c.MissedFrames);
        Assert.Equal(all.Length, c.BytesReceived);

        float[] values = new float[64];
        Assert.True(ring.TryRead(out FrameHeader first, values));
        Assert.Equal(new FrameHeader(1, 0, 0, 0, 1, 3), first);
        Assert.Equal([1f, 2f, 3f], values[..3]);
        Assert.True(ring.TryRead(out FrameHeader afterGap, values));
        Assert.Equal(new FrameHeader(1, 4, 4, 4_000_000, 1, 3), afterGap);
        Assert.Equal([10f, 11f, 12f], values[..3]);
        Assert.True(ring.TryRead(out FrameHeader last, values));
        Assert.Equal(5u, last.Sequence);
    }

    [Fact]
    public void SequenceRolloverIsNotAGap()
    {
        var ring = new FrameRing(4, 8, OverflowPolicy.DropOldest);
        var decoder = new SensorFrameDecoder(ring, 100);
        decoder.Feed(Frame(2, 65535, 1, 1, 1));
        decoder.Feed(Frame(2, 0, 2, 2, 2));
        Assert.Equal(0, decoder.Counters.SequenceGaps);
        float[] values = new float[8];
        ring.TryRead(out _, values);
        Assert.True(ring.TryRead(out FrameHeader second, values));
        Assert.Equal(65536u, second.Sequence);
    }

    [Fact]
    public void CsvLinesAreFramedAndBadLinesCounted()
    {
        var ring = new FrameRing(4, 6, OverflowPolicy.DropNewest);
        var decoder = new CsvLineDecoder(ring, channels: 3, instantsPerFrame: 2, sampleRateHz: 100, sensorId: 4);
        decoder.Feed("0.5,-1,2e-1\r\nnot,a,line\n1,2\n1,2,3,4\n"u8);
        decoder.Feed("3, 4 ,5\n"u8);
        decoder.Feed(new byte[300]);
        decoder.Feed("\n6,7,8\n"u8);
        Assert.Equal(4, decoder.Counters.MalformedLines);
        Assert.Equal(1, decoder.Counters.FramesDecoded);
        float[] values = new float[6];
        Assert.True(ring.TryRead(out FrameHeader header, values));
        Assert.Equal(new FrameHeader(4, 0, 0, 0, 2, 3), header);
        Assert.Equal([0.5f, -1f, 0.2f, 3f, 4f, 5f], values);
    }
}
