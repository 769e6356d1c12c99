using System.Buffers.Binary;

namespace EdgeToken.Sensors.Serial;

/// <summary>
/// Builds wire frames (COBS-encoded, 0x00-terminated). The sensor side of the protocol, used by
/// device simulators and tests; microcontroller firmware implements the same README layout.
/// </summary>
public static class SensorFrameEncoder
{
    /// <summary>Largest wire length of a frame with <paramref name="payloadLength"/> sample bytes.</summary>
    public static int MaxWireLength(int payloadLength) =>
        Cobs.MaxEncodedLength(SensorFrameLayout.HeaderLength + payloadLength + SensorFrameLayout.CrcLength) + 1;

    /// <summary>Encodes int16 samples; returns the wire length written to <paramref name="wire"/>.</summary>
    public static int EncodeInt16(byte sensorId, ushort sequence, int channels, ReadOnlySpan<short> samples, Span<byte> wire)
    {
        Span<byte> frame = stackalloc byte[SensorFrameLayout.HeaderLength + (samples.Length * 2) + SensorFrameLayout.CrcLength];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(frame[(SensorFrameLayout.HeaderLength + (2 * i))..], samples[i]);
        }

        return Finish(frame, sensorId, sequence, channels, samples.Length, SampleFormat.Int16, wire);
    }

    /// <summary>Encodes float32 samples; returns the wire length written to <paramref name="wire"/>.</summary>
    public static int EncodeFloat32(byte sensorId, ushort sequence, int channels, ReadOnlySpan<float> samples, Span<byte> wire)
    {
        Span<byte> frame = stackalloc byte[SensorFrameLayout.HeaderLength + (samples.Length * 4) + SensorFrameLayout.CrcLength];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(frame[(SensorFrameLayout.HeaderLength + (4 * i))..], samples[i]);
        }

        return Finish(frame, sensorId, sequence, channels, samples.Length, SampleFormat.Float32, wire);
    }

    private static int Finish(Span<byte> frame, byte sensorId, ushort sequence, int channels, int values, SampleFormat format, Span<byte> wire)
    {
        if (channels < 1 || values % channels != 0)
        {
            throw new ArgumentException($"{values} samples are not whole instants of {channels} channels.");
        }

        frame[SensorFrameLayout.VersionOffset] = SensorFrameLayout.Version;
        frame[SensorFrameLayout.SensorIdOffset] = sensorId;
        BinaryPrimitives.WriteUInt16LittleEndian(frame[SensorFrameLayout.SequenceOffset..], sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(frame[SensorFrameLayout.SampleCountOffset..], (ushort)(values / channels));
        frame[SensorFrameLayout.ChannelCountOffset] = (byte)channels;
        frame[SensorFrameLayout.FormatOffset] = (byte)format;
        int crcAt = frame.Length - SensorFrameLayout.CrcLength;
        BinaryPrimitives.WriteUInt16LittleEndian(frame[crcAt..], Crc16CcittFalse.Compute(frame[..crcAt]));
        int length = Cobs.Encode(frame, wire);
        wire[length] = 0;
        return length + 1;
    }
}
