namespace EdgeToken.Sensors.Serial;

/// <summary>Byte offsets of the serial sensor frame; see README.md in this folder.</summary>
public static class SensorFrameLayout
{
    /// <summary>The only frame version this decoder understands.</summary>
    public const byte Version = 1;

    /// <summary>Offset of the version byte.</summary>
    public const int VersionOffset = 0;

    /// <summary>Offset of the sensor id byte.</summary>
    public const int SensorIdOffset = 1;

    /// <summary>Offset of the u16 LE sequence number.</summary>
    public const int SequenceOffset = 2;

    /// <summary>Offset of the u16 LE count of sample instants.</summary>
    public const int SampleCountOffset = 4;

    /// <summary>Offset of the channel count byte.</summary>
    public const int ChannelCountOffset = 6;

    /// <summary>Offset of the <see cref="SampleFormat"/> byte.</summary>
    public const int FormatOffset = 7;

    /// <summary>Header length; samples start here.</summary>
    public const int HeaderLength = 8;

    /// <summary>Length of the trailing CRC.</summary>
    public const int CrcLength = 2;

    /// <summary>Largest decoded frame accepted (header + samples + CRC). Bigger input is treated as garbage.</summary>
    public const int MaxFrameLength = 4096;

    /// <summary>Bytes of one sample in <paramref name="format"/>.</summary>
    public static int SampleSize(SampleFormat format) => format == SampleFormat.Float32 ? 4 : 2;
}
