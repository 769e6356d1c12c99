using System.Diagnostics;
using EdgeToken.Sensors.Machinery;
using EdgeToken.Sensors.Replay;
using EdgeToken.Sensors.Serial;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Cli.Commands;

/// <summary>Health of a serial link during a capture (the decoder's counters).</summary>
public sealed record SerialLinkReport(
    long BytesReceived, long FramesDecoded, long CobsErrors, long CrcErrors, long TruncatedFrames, long OversizedFrames,
    long UnsupportedFrames, long SequenceGaps, long MissedFrames, long MalformedLines, long Reconnects, long ChannelMismatches, string? LastError);

/// <summary>What a capture wrote: <see cref="Complete"/> is false when the source ended or timed out early.</summary>
internal sealed record CaptureResult(double SampleRateHz, int Channels, long Instants, bool Complete, SerialLinkReport? Link);

/// <summary>Copies a number of instants from a sensor source into a recording file.</summary>
internal static class SensorCapture
{
    private const int ChunkInstants = 1024;

    public static CaptureResult FromSimulator(MachineryOptions machine, long instants, string output, WavEncoding encoding)
    {
        var simulator = new MachinerySimulator(machine);
        int channels = simulator.ChannelCount;
        using IRecordingSink sink = RecordingFile.Create(output, machine.SampleRateHz, channels, encoding);
        float[] chunk = new float[ChunkInstants * channels];
        for (long done = 0; done < instants;)
        {
            int take = (int)Math.Min(ChunkInstants, instants - done);
            simulator.Generate(chunk.AsSpan(0, take * channels));
            sink.Write(chunk.AsSpan(0, take * channels));
            done += take;
        }

        return new CaptureResult(machine.SampleRateHz, channels, instants, true, null);
    }

    public static CaptureResult FromRecording(string input, double? csvRateHz, double seconds, string output, WavEncoding encoding)
    {
        using IRecordingSource source = RecordingFile.Open(input, csvRateHz);
        long instants = (long)Math.Round(seconds * source.SampleRateHz);
        using IRecordingSink sink = RecordingFile.Create(output, source.SampleRateHz, source.ChannelCount, encoding);
        float[] chunk = new float[ChunkInstants * source.ChannelCount];
        long done = 0;
        while (done < instants)
        {
            int want = (int)Math.Min(ChunkInstants, instants - done);
            int read = source.Read(chunk.AsSpan(0, want * source.ChannelCount));
            if (read == 0)
            {
                break;
            }

            sink.Write(chunk.AsSpan(0, read * source.ChannelCount));
            done += read;
        }

        return new CaptureResult(source.SampleRateHz, source.ChannelCount, done, done == instants, null);
    }

    /// <summary>
    /// Drains the accelerometer's FIFO until <paramref name="seconds"/> of samples (at the part's data rate) are
    /// written or <paramref name="timeout"/> of wall-clock time has passed. Between bursts it waits about half the
    /// time the FIFO takes to fill, so the part never overruns and the bus is not polled flat out.
    /// </summary>
    public static CaptureResult FromI2c(I2cAccelerometer chip, double seconds, TimeSpan timeout, string output, WavEncoding encoding)
    {
        long instants = (long)Math.Round(seconds * chip.SampleRateHz);
        var pause = TimeSpan.FromSeconds(Math.Min(I2cAccelerometer.FifoDepth / 2 / chip.SampleRateHz, 0.05));
        float[] burst = new float[I2cAccelerometer.FifoDepth * 3];
        long done = 0;
        var clock = Stopwatch.StartNew();
        using (IRecordingSink sink = RecordingFile.Create(output, chip.SampleRateHz, 3, encoding))
        {
            while (done < instants && clock.Elapsed < timeout)
            {
                int read = chip.ReadFifo(burst);
                if (read == 0)
                {
                    Thread.Sleep(pause);
                    continue;
                }

                int take = (int)Math.Min(read, instants - done);
                sink.Write(burst.AsSpan(0, take * 3));
                done += take;
            }
        }

        return new CaptureResult(chip.SampleRateHz, 3, done, done == instants, null);
    }

    /// <summary>
    /// Reads the port on a background thread through the decoder into a frame ring, and writes the
    /// frames to the file until <paramref name="seconds"/> of samples (at the declared rate) have
    /// arrived or <paramref name="timeout"/> of wall-clock time has passed. Frames lost on the link
    /// are not filled in: the report's counters say how many went missing.
    /// </summary>
    public static CaptureResult FromSerial(SensorSourceSpec port, SerialProtocol protocol, double rateHz, int? channels, float int16Scale,
        double seconds, TimeSpan timeout, string output, WavEncoding encoding)
    {
        long instants = (long)Math.Round(seconds * rateHz);
        var ring = new FrameRing(64, SensorFrameLayout.MaxFrameLength / 2, OverflowPolicy.Block, TimeSpan.FromSeconds(1));
        ISerialDecoder decoder = protocol == SerialProtocol.Frames
            ? new SensorFrameDecoder(ring, rateHz, int16Scale)
            : new CsvLineDecoder(ring, channels ?? 3, 64, rateHz);
        var source = new SerialSensorSource(SerialSensorSource.SerialPortOpener(port.Path!, port.BaudRate), decoder, TimeSpan.FromMilliseconds(200));
        using var cancel = new CancellationTokenSource();
        var reader = new Thread(() => source.Run(cancel.Token)) { IsBackground = true, Name = "serial reader" };
        reader.Start();

        IRecordingSink? sink = null;
        int sinkChannels = 0;
        long done = 0, mismatches = 0;
        float[] frame = new float[ring.MaxValuesPerFrame];
        var clock = Stopwatch.StartNew();
        try
        {
            while (done < instants && clock.Elapsed < timeout)
            {
                if (!ring.TryRead(out FrameHeader header, frame))
                {
                    Thread.Sleep(2);
                    continue;
                }

                if (sink is null)
                {
                    if (channels is { } expected && header.ChannelCount != expected)
                    {
                        throw new CliUsageException($"serial:{port.Path}: the device sends {header.ChannelCount} channels, --channels says {expected}");
                    }

                    sinkChannels = header.ChannelCount;
                    sink = RecordingFile.Create(output, rateHz, sinkChannels, encoding);
                }
                else if (header.ChannelCount != sinkChannels)
                {
                    mismatches++; // a recording has one channel layout; a second sensor on the link is not mixed in
                    continue;
                }

                int take = (int)Math.Min(header.SampleCount, instants - done);
                sink.Write(frame.AsSpan(0, take * sinkChannels));
                done += take;
            }
        }
        finally
        {
            cancel.Cancel();
            reader.Join(TimeSpan.FromSeconds(2));
            sink?.Dispose();
        }

        SerialLinkCounters c = source.Counters;
        var link = new SerialLinkReport(c.BytesReceived, c.FramesDecoded, c.CobsErrors, c.CrcErrors, c.TruncatedFrames, c.OversizedFrames,
            c.UnsupportedFrames, c.SequenceGaps, c.MissedFrames, c.MalformedLines, c.Reconnects, mismatches, source.LastError);
        if (sink is null)
        {
            throw new CliUsageException($"serial:{port.Path}: no samples arrived in {timeout.TotalSeconds:0.#} s ({c.BytesReceived} bytes, {c.RejectedFrames} rejected frames{(source.LastError is { } e ? ", last error: " + e : "")}); check the port, baud rate and --protocol");
        }

        return new CaptureResult(rateHz, sinkChannels, done, done == instants, link);
    }
}

/// <summary>What the device on a serial port speaks (Serial/README.md in EdgeToken.Sensors).</summary>
internal enum SerialProtocol
{
    /// <summary>COBS frames with CRC-16, sensor id and sequence numbers.</summary>
    Frames,

    /// <summary>One <c>x,y,z</c> text line per instant.</summary>
    Csv,
}
