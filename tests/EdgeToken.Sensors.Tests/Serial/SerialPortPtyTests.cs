using System.Diagnostics;
using EdgeToken.Sensors.Serial;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Tests.Serial;

/// <summary>End-to-end over a real pseudo-terminal: bytes go through the kernel tty layer into System.IO.Ports.</summary>
public sealed class SerialPortPtyTests
{
    private static Stream OpenRaw(string path)
    {
        // Opened before the device writes so the slave is already in raw mode (no echo, no CR/LF mangling).
        return SerialSensorSource.SerialPortOpener(path, 115200)();
    }

    [Fact]
    public void RecoversSamplesFromGoodAndCorruptedFramesOverPty()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // posix_openpt pair is Linux-specific; the decoder itself is covered by the stream tests
        }

        using var pty = new PseudoTerminal();
        Stream port = OpenRaw(pty.SlavePath);
        var ring = new FrameRing(256, 600, OverflowPolicy.Block);
        var decoder = new SensorFrameDecoder(ring, 3200, int16Scale: 1f / 256);
        int opens = 0;
        Stream OpenOnce() => Interlocked.Increment(ref opens) == 1 ? port : throw new IOException("the test opens the port once");
        var source = new SerialSensorSource(OpenOnce, decoder, TimeSpan.FromMilliseconds(50));
        using var cts = new CancellationTokenSource();
        var reader = new Thread(() => source.Run(cts.Token)) { IsBackground = true };
        reader.Start();

        // Device side: 100 frames of 32 instants x 3 axes; every 10th is corrupted, frames 50-52 are never sent,
        // and bursts of garbage are interleaved.
        var expected = new Dictionary<uint, short[]>();
        var random = new Random(8);
        int corrupted = 0, garbage = 0;
        for (ushort seq = 0; seq < 100; seq++)
        {
            short[] samples = new short[96];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = (short)random.Next(short.MinValue, short.MaxValue);
            }

            byte[] wire = SensorFrameDecoderTests.Frame(9, seq, samples);
            if (seq is >= 50 and <= 52)
            {
                continue;
            }

            if (seq % 10 == 5)
            {
                wire[wire.Length / 2] ^= 0x10; // still non-zero or zero: either CRC or COBS catches it
                if (wire[wire.Length / 2] == 0)
                {
                    wire[wire.Length / 2] = 0x77;
                }

                corrupted++;
            }
            else
            {
                expected[seq] = samples;
            }

            pty.Write(wire);
            if (seq % 17 == 0)
            {
                pty.Write([0xDE, 0xAD, 0xBE, 0xEF, 0x00]);
                garbage++;
            }
        }

        var watch = Stopwatch.StartNew();
        while (decoder.Counters.FramesDecoded < expected.Count && watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            Thread.Sleep(10);
        }

        cts.Cancel();
        Assert.True(reader.Join(TimeSpan.FromSeconds(5)));

        SerialLinkCounters c = decoder.Counters;
        Assert.Equal(expected.Count, c.FramesDecoded);
        Assert.Equal(corrupted + garbage, c.CobsErrors + c.CrcErrors + c.TruncatedFrames);
        Assert.Equal(0, c.OversizedFrames);
        // Gaps: 3 lost (50-52) plus each corrupted frame looks lost to the sequence check.
        Assert.Equal(corrupted + 3, c.MissedFrames);

        float[] values = new float[600];
        int checkedFrames = 0;
        while (ring.TryRead(out FrameHeader header, values))
        {
            short[] sent = expected[header.Sequence];
            Assert.Equal(32, header.SampleCount);
            Assert.Equal(header.Sequence * 32L, header.FirstSampleIndex);
            for (int i = 0; i < sent.Length; i++)
            {
                Assert.Equal(sent[i] / 256f, values[i]);
            }

            checkedFrames++;
        }

        Assert.Equal(expected.Count, checkedFrames);
    }

    [Fact]
    public void ReconnectsWhenTheDeviceIsUnplugged()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var first = new PseudoTerminal();
        using var second = new PseudoTerminal();
        Stream firstPort = OpenRaw(first.SlavePath);
        int opens = 0;
        Stream Open() => Interlocked.Increment(ref opens) == 1 ? firstPort : OpenRaw(second.SlavePath);

        var ring = new FrameRing(16, 96, OverflowPolicy.DropOldest);
        var decoder = new SensorFrameDecoder(ring, 3200);
        var source = new SerialSensorSource(Open, decoder, TimeSpan.FromMilliseconds(20));
        using var cts = new CancellationTokenSource();
        var reader = new Thread(() => source.Run(cts.Token)) { IsBackground = true };
        reader.Start();

        first.Write(SensorFrameDecoderTests.Frame(1, 0, 1, 2, 3));
        first.Write(SensorFrameDecoderTests.Frame(1, 1, 1, 2, 3)[..5]); // cut mid-frame by the unplug
        WaitFor(() => decoder.Counters.FramesDecoded == 1);
        first.Dispose();

        WaitFor(() => Volatile.Read(ref opens) >= 2);
        Thread.Sleep(100);
        second.Write(SensorFrameDecoderTests.Frame(1, 2, 4, 5, 6));
        WaitFor(() => decoder.Counters.FramesDecoded == 2);
        cts.Cancel();
        Assert.True(reader.Join(TimeSpan.FromSeconds(5)));

        Assert.Equal(1, source.Counters.Reconnects);
        Assert.Equal(2, decoder.Counters.FramesDecoded);
        Assert.Equal(0, decoder.Counters.RejectedFrames); // the half frame was dropped by the reset, not glued to new data
        Assert.Equal(1, decoder.Counters.MissedFrames);
    }

    private static void WaitFor(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting for the serial reader");
            Thread.Sleep(5);
        }
    }
}
