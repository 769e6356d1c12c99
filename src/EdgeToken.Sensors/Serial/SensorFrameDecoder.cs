using System.Buffers.Binary;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Serial;

/// <summary>
/// Turns a byte stream of COBS/CRC sensor frames (README.md) into <see cref="FrameRing"/> frames,
/// counting and skipping anything malformed and resynchronising on the next 0x00 delimiter.
/// </summary>
/// <remarks>
/// <para>
/// The 16-bit wire sequence is widened to 32 bits per sensor, so a rollover is not a gap. When
/// frames are missing, the sample index advances by the missing frames times the current frame
/// size, so downstream timestamps stay on the sample-rate timeline and a
/// <see cref="TimelineMonitor"/> sees the hole as a sample gap.
/// </para>
/// <para>All buffers are allocated at construction; <see cref="Feed"/> allocates nothing.</para>
/// </remarks>
public sealed class SensorFrameDecoder : ISerialDecoder
{
    private readonly FrameRing _ring;
    private readonly float _int16Scale;
    private readonly SampleClock _clock;
    private readonly byte[] _encoded = new byte[Cobs.MaxEncodedLength(SensorFrameLayout.MaxFrameLength)];
    private readonly byte[] _decoded = new byte[SensorFrameLayout.MaxFrameLength];
    private readonly float[] _samples;
    private readonly SensorStreamState[] _sensors = new SensorStreamState[256];
    private int _encodedLength;
    private bool _discarding;

    /// <summary>Creates a decoder that delivers into <paramref name="ring"/>.</summary>
    /// <param name="ring">Destination of decoded frames.</param>
    /// <param name="sampleRateHz">Sample rate of the sensors on the link (timestamps are derived from it).</param>
    /// <param name="int16Scale">Engineering units per count for int16 frames (e.g. 1/256 g for an ADXL345 in full resolution).</param>
    /// <param name="counters">Where to count; a fresh set if null.</param>
    public SensorFrameDecoder(FrameRing ring, double sampleRateHz, float int16Scale = 1f, SerialLinkCounters? counters = null)
    {
        _ring = ring;
        _int16Scale = int16Scale;
        _clock = new SampleClock(sampleRateHz);
        _samples = new float[SensorFrameLayout.MaxFrameLength / 2];
        Counters = counters ?? new SerialLinkCounters();
    }

    /// <summary>Link health counters.</summary>
    public SerialLinkCounters Counters { get; }

    /// <summary>Consumes bytes from the link.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        Counters.BytesReceived += bytes.Length;
        while (!bytes.IsEmpty)
        {
            int delimiter = bytes.IndexOf((byte)0);
            ReadOnlySpan<byte> part = delimiter < 0 ? bytes : bytes[..delimiter];
            if (!_discarding)
            {
                if (_encodedLength + part.Length > _encoded.Length)
                {
                    Counters.OversizedFrames++;
                    _discarding = true;
                    _encodedLength = 0;
                }
                else
                {
                    part.CopyTo(_encoded.AsSpan(_encodedLength));
                    _encodedLength += part.Length;
                }
            }

            if (delimiter < 0)
            {
                return;
            }

            if (!_discarding && _encodedLength > 0)
            {
                DecodeFrame(_encoded.AsSpan(0, _encodedLength));
            }

            _discarding = false;
            _encodedLength = 0;
            bytes = bytes[(delimiter + 1)..];
        }
    }

    /// <summary>Forgets a partial frame (after the link was reopened, its tail will never come).</summary>
    /// <remarks>
    /// If the first bytes after a reconnect are the middle of a frame, that fragment fails COBS or
    /// CRC at the next delimiter and is counted like any other damaged frame.
    /// </remarks>
    public void Reset()
    {
        _encodedLength = 0;
        _discarding = false;
    }

    private void DecodeFrame(ReadOnlySpan<byte> encoded)
    {
        if (!Cobs.TryDecode(encoded, _decoded, out int length))
        {
            Counters.CobsErrors++;
            return;
        }

        ReadOnlySpan<byte> frame = _decoded.AsSpan(0, length);
        if (length < SensorFrameLayout.HeaderLength + SensorFrameLayout.CrcLength)
        {
            Counters.TruncatedFrames++;
            return;
        }

        int crcAt = length - SensorFrameLayout.CrcLength;
        if (BinaryPrimitives.ReadUInt16LittleEndian(frame[crcAt..]) != Crc16CcittFalse.Compute(frame[..crcAt]))
        {
            Counters.CrcErrors++;
            return;
        }

        var format = (SampleFormat)frame[SensorFrameLayout.FormatOffset];
        if (frame[SensorFrameLayout.VersionOffset] != SensorFrameLayout.Version || format > SampleFormat.Float32)
        {
            Counters.UnsupportedFrames++;
            return;
        }

        byte sensorId = frame[SensorFrameLayout.SensorIdOffset];
        ushort sequence = BinaryPrimitives.ReadUInt16LittleEndian(frame[SensorFrameLayout.SequenceOffset..]);
        int instants = BinaryPrimitives.ReadUInt16LittleEndian(frame[SensorFrameLayout.SampleCountOffset..]);
        int channels = frame[SensorFrameLayout.ChannelCountOffset];
        int values = instants * channels;
        if (channels == 0 || SensorFrameLayout.HeaderLength + (values * SensorFrameLayout.SampleSize(format)) != crcAt)
        {
            Counters.TruncatedFrames++;
            return;
        }

        ReadOnlySpan<byte> payload = frame[SensorFrameLayout.HeaderLength..crcAt];
        Span<float> samples = _samples.AsSpan(0, values);
        if (format == SampleFormat.Int16)
        {
            for (int i = 0; i < values; i++)
            {
                samples[i] = BinaryPrimitives.ReadInt16LittleEndian(payload[(2 * i)..]) * _int16Scale;
            }
        }
        else
        {
            for (int i = 0; i < values; i++)
            {
                samples[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(4 * i)..]);
            }
        }

        ref SensorStreamState state = ref _sensors[sensorId];
        long firstSample = state.NextSampleIndex;
        uint fullSequence = sequence;
        if (state.Started)
        {
            ushort expected = unchecked((ushort)state.NextSequence);
            ushort step = unchecked((ushort)(sequence - expected));
            // Steps in the upper half are stale or repeated frames; deliver them without a gap.
            if (step != 0 && step < 0x8000)
            {
                Counters.SequenceGaps++;
                Counters.MissedFrames += step;
                firstSample += (long)step * instants;
            }

            fullSequence = unchecked(state.NextSequence + (step < 0x8000 ? step : 0u));
        }

        state.Started = true;
        state.NextSequence = unchecked(fullSequence + 1);
        state.NextSampleIndex = firstSample + instants;

        var header = new FrameHeader(sensorId, fullSequence, firstSample, _clock.TimestampOf(firstSample), instants, channels);
        if (values > _ring.MaxValuesPerFrame)
        {
            Counters.RingRejections++;
            return;
        }

        RingWriteResult result = _ring.Write(header, samples);
        if (result is RingWriteResult.DroppedNewest or RingWriteResult.TimedOut)
        {
            Counters.RingRejections++;
        }

        Counters.FramesDecoded++;
    }

    private struct SensorStreamState
    {
        public bool Started;
        public uint NextSequence;
        public long NextSampleIndex;
    }
}
