namespace EdgeToken.Sensors.Replay;

/// <summary>Sample layout of a WAV recording.</summary>
/// <param name="SampleRateHz">Instants per second.</param>
/// <param name="ChannelCount">Interleaved channels.</param>
/// <param name="Encoding">Sample encoding.</param>
public sealed record WavFormat(int SampleRateHz, int ChannelCount, WavEncoding Encoding)
{
    /// <summary>Bytes per sample of one channel.</summary>
    public int BytesPerSample => Encoding switch
    {
        WavEncoding.Pcm16 => 2,
        WavEncoding.Pcm24 => 3,
        _ => 4,
    };

    /// <summary>Bytes per instant (the WAV "block align").</summary>
    public int BlockAlign => BytesPerSample * ChannelCount;

    /// <summary>WAVE_FORMAT_PCM (1) or WAVE_FORMAT_IEEE_FLOAT (3).</summary>
    internal ushort FormatTag => Encoding == WavEncoding.Float32 ? (ushort)3 : (ushort)1;
}
