using System.Buffers.Binary;

namespace EdgeToken.Sensors.Replay;

/// <summary>
/// Writes interleaved floats as a canonical RIFF/WAVE file. Integer encodings clamp to full scale
/// (±1.0) and round to nearest. The RIFF and data sizes are patched on <see cref="Dispose"/>, so the
/// stream must be seekable.
/// </summary>
public sealed class WavWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly long _start;
    private readonly byte[] _buffer = new byte[4096 * 3];
    private long _dataBytes;
    private bool _disposed;

    /// <summary>Creates (or overwrites) the WAV file at <paramref name="path"/>.</summary>
    public WavWriter(string path, WavFormat format)
        : this(File.Create(path), format, ownsStream: true)
    {
    }

    /// <summary>Writes to a seekable <paramref name="stream"/> from its current position.</summary>
    public WavWriter(Stream stream, WavFormat format, bool ownsStream = false)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("WavWriter needs a seekable stream to patch the chunk sizes on close.", nameof(stream));
        }

        _stream = stream;
        _ownsStream = ownsStream;
        _start = stream.Position;
        Format = format;
        WriteHeader(0);
    }

    /// <summary>Layout being written.</summary>
    public WavFormat Format { get; }

    /// <summary>Appends whole instants of interleaved samples.</summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        if (interleaved.Length % Format.ChannelCount != 0)
        {
            throw new ArgumentException($"{interleaved.Length} values are not whole {Format.ChannelCount}-channel instants.", nameof(interleaved));
        }

        int bytesPerSample = Format.BytesPerSample;
        int perChunk = _buffer.Length / bytesPerSample;
        for (int offset = 0; offset < interleaved.Length; offset += perChunk)
        {
            ReadOnlySpan<float> part = interleaved.Slice(offset, Math.Min(perChunk, interleaved.Length - offset));
            Span<byte> bytes = _buffer.AsSpan(0, part.Length * bytesPerSample);
            for (int i = 0; i < part.Length; i++)
            {
                switch (Format.Encoding)
                {
                    case WavEncoding.Pcm16:
                        BinaryPrimitives.WriteInt16LittleEndian(bytes[(2 * i)..], (short)Math.Clamp(MathF.Round(part[i] * 32768f), short.MinValue, short.MaxValue));
                        break;
                    case WavEncoding.Pcm24:
                        int v = (int)Math.Clamp(MathF.Round(part[i] * 8388608f), -8388608, 8388607);
                        bytes[3 * i] = (byte)v;
                        bytes[(3 * i) + 1] = (byte)(v >> 8);
                        bytes[(3 * i) + 2] = (byte)(v >> 16);
                        break;
                    default:
                        BinaryPrimitives.WriteSingleLittleEndian(bytes[(4 * i)..], part[i]);
                        break;
                }
            }

            _stream.Write(bytes);
            _dataBytes += bytes.Length;
        }
    }

    /// <summary>Patches the sizes and closes the stream if owned.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if ((_dataBytes & 1) != 0)
        {
            _stream.WriteByte(0); // RIFF chunks are padded to even length
        }

        long end = _stream.Position;
        _stream.Position = _start;
        WriteHeader(_dataBytes);
        _stream.Position = end;
        _stream.Flush();
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private void WriteHeader(long dataBytes)
    {
        Span<byte> h = stackalloc byte[44];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(36 + dataBytes + (dataBytes & 1)));
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], Format.FormatTag);
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)Format.ChannelCount);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)Format.SampleRateHz);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(Format.SampleRateHz * Format.BlockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)Format.BlockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], (ushort)(Format.BytesPerSample * 8));
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)dataBytes);
        _stream.Write(h);
    }
}
