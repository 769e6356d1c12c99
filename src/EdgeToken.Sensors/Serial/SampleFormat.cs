namespace EdgeToken.Sensors.Serial;

/// <summary>Encoding of the samples in a serial sensor frame (byte 7 of the frame).</summary>
public enum SampleFormat : byte
{
    /// <summary>Signed 16-bit little-endian counts, converted with the link's scale factor.</summary>
    Int16 = 0,

    /// <summary>IEEE 754 32-bit little-endian floats, already in engineering units.</summary>
    Float32 = 1,
}
