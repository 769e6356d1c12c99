using System.Buffers.Binary;

namespace EdgeToken.Sensors.Replay;

/// <summary>
/// Streams a RIFF/WAVE file as interleaved floats: 16- and 24-bit PCM scaled to ±1.0 full scale,
/// 32-bit float passed through. WAVE_FORMAT_EXTENSIBLE headers are accepted (their sub-format
/// GUID starts with the plain format tag). Unknown chunks (LIST, fact, bext…) are skipped.
/// </summary>
public sealed class WavReader : IRecordingSource, IDisposable
{
    private const int ChunkBufferInstants = 1024;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _buffer;
    private long _bytesLeft;

    /// <summary>Opens the WAV file at <paramref name="path"/>.</summary>
    public WavReader(string path)
        : this(File.OpenRead(path), ownsStream: true, path)
    {
    }

    /// <summary>Reads a WAV stream positioned at its "RIFF" tag.</summary>
    public WavReader(Stream stream, bool ownsStream = false, string? name = null)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        string where = name ?? "WAV stream";
        Span<byte> header = stackalloc byte[12];
        ReadExactly(header, where, "RIFF header");
        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException($"{where}: not a RIFF/WAVE file (starts with '{System.Text.Encoding.ASCII.GetString(header[..4])}').");
        }

        WavFormat? format = null;
        Span<byte> chunk = stackalloc byte[8];
        while (true)
        {
            ReadExactly(chunk, where, "chunk header");
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                format = ReadFormat(size, where);
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new InvalidDataException($"{where}: 'data' chunk before 'fmt ' chunk.");
                }

                _bytesLeft = size - (size % format.BlockAlign);
                break;
            }
            else
            {
                Skip(size + (size & 1), where);
            }
        }

        Format = format;
        _buffer = new byte[format.BlockAlign * ChunkBufferInstants];
    }

    /// <summary>Layout of the samples.</summary>
    public WavFormat Format { get; }

    /// <inheritdoc/>
    public double SampleRateHz => Format.SampleRateHz;

    /// <inheritdoc/>
    public int ChannelCount => Format.ChannelCount;

    /// <summary>Instants not yet read.</summary>
    public long RemainingInstants => _bytesLeft / Format.BlockAlign;

    /// <inheritdoc/>
    public int Read(Span<float> interleaved)
    {
        int channels = Format.ChannelCount;
        int wanted = (int)Math.Min(interleaved.Length / channels, RemainingInstants);
        int done = 0;
        while (done < wanted)
        {
            int instants = Math.Min(wanted - done, ChunkBufferInstants);
            Span<byte> bytes = _buffer.AsSpan(0, instants * Format.BlockAlign);
            _stream.ReadExactly(bytes);
            Decode(bytes, interleaved.Slice(done * channels, instants * channels));
            done += instants;
            _bytesLeft -= bytes.Length;
        }

        return done;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }

    private void Decode(ReadOnlySpan<byte> bytes, Span<float> samples)
    {
        switch (Format.Encoding)
        {
            case WavEncoding.Pcm16:
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]) * (1f / 32768f);
                }

                break;
            case WavEncoding.Pcm24:
                for (int i = 0; i < samples.Length; i++)
                {
                    // Place the 3 bytes in the top of an int so the arithmetic shift sign-extends.
                    int value = (bytes[3 * i] << 8) | (bytes[(3 * i) + 1] << 16) | (bytes[(3 * i) + 2] << 24);
                    samples[i] = (value >> 8) * (1f / 8388608f);
                }

                break;
            default:
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }

                break;
        }
    }

    private WavFormat ReadFormat(uint size, string where)
    {
        if (size < 16 || size > 1024)
        {
            throw new InvalidDataException($"{where}: 'fmt ' chunk of {size} bytes; expected 16, 18 or 40.");
        }

        Span<byte> fmt = stackalloc byte[(int)size];
        ReadExactly(fmt, where, "'fmt ' chunk");
        if ((size & 1) != 0)
        {
            Skip(1, where);
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        int rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == 0xFFFE && size >= 40)
        {
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]); // sub-format GUID's first field
        }

        WavEncoding encoding = (tag, bits) switch
        {
            (1, 16) => WavEncoding.Pcm16,
            (1, 24) => WavEncoding.Pcm24,
            (3, 32) => WavEncoding.Float32,
            _ => throw new InvalidDataException($"{where}: format tag {tag} with {bits} bits per sample is not supported; use 16/24-bit PCM or 32-bit float."),
        };

        if (channels < 1 || rate < 1)
        {
            throw new InvalidDataException($"{where}: {channels} channels at {rate} Hz is not a valid recording.");
        }

        return new WavFormat(rate, channels, encoding);
    }

    private void ReadExactly(Span<byte> destination, string where, string what)
    {
        try
        {
            _stream.ReadExactly(destination);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{where}: file ends inside the {what}; it is truncated.");
        }
    }

    private void Skip(long count, string where)
    {
        if (_stream.CanSeek)
        {
            _stream.Seek(count, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[256];
        while (count > 0)
        {
            int n = (int)Math.Min(count, scratch.Length);
            ReadExactly(scratch[..n], where, "skipped chunk");
            count -= n;
        }
    }
}
