namespace EdgeToken.Sensors.Replay;

/// <summary>Sample encodings EdgeToken reads and writes in WAV files.</summary>
public enum WavEncoding
{
    /// <summary>Signed 16-bit integer PCM, full scale ±32768.</summary>
    Pcm16,

    /// <summary>Signed 24-bit integer PCM (3 bytes, little-endian), full scale ±8388608. Common for measurement-grade ADCs.</summary>
    Pcm24,

    /// <summary>IEEE 754 32-bit float, already in engineering units or ±1.0 full scale.</summary>
    Float32,
}
