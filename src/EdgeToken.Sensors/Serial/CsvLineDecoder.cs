using System.Buffers.Text;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Serial;

/// <summary>
/// Decodes plain text lines of comma-separated values ("0.01,-0.02,0.98\n"), one instant per line,
/// as printed by simple Arduino-style sketches, and delivers them to a <see cref="FrameRing"/> in
/// frames of a fixed number of instants. Malformed or overlong lines are counted and skipped.
/// </summary>
/// <remarks>Parsing is done on the raw UTF-8 bytes (<see cref="Utf8Parser"/>), so no string is created per line.</remarks>
public sealed class CsvLineDecoder : ISerialDecoder
{
    private const int MaxLineLength = 256;
    private readonly FrameRing _ring;
    private readonly int _channels;
    private readonly int _instantsPerFrame;
    private readonly byte _sensorId;
    private readonly SampleClock _clock;
    private readonly byte[] _line = new byte[MaxLineLength];
    private readonly float[] _frame;
    private int _lineLength;
    private bool _discarding;
    private int _instants;
    private long _nextSampleIndex;
    private uint _sequence;

    /// <summary>Creates a decoder for lines of <paramref name="channels"/> values.</summary>
    /// <param name="ring">Destination of frames.</param>
    /// <param name="channels">Values per line.</param>
    /// <param name="instantsPerFrame">Lines per delivered frame.</param>
    /// <param name="sampleRateHz">Rate at which the device prints lines.</param>
    /// <param name="sensorId">Sensor id put in the frame headers.</param>
    public CsvLineDecoder(FrameRing ring, int channels, int instantsPerFrame, double sampleRateHz, byte sensorId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(instantsPerFrame, 1);
        _ring = ring;
        _channels = channels;
        _instantsPerFrame = instantsPerFrame;
        _sensorId = sensorId;
        _clock = new SampleClock(sampleRateHz);
        _frame = new float[channels * instantsPerFrame];
    }

    /// <inheritdoc/>
    public SerialLinkCounters Counters { get; } = new();

    /// <inheritdoc/>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        Counters.BytesReceived += bytes.Length;
        foreach (byte b in bytes)
        {
            if (b == (byte)'\n')
            {
                if (_discarding)
                {
                    Counters.MalformedLines++;
                }
                else if (_lineLength > 0)
                {
                    ParseLine(_line.AsSpan(0, _lineLength));
                }

                _lineLength = 0;
                _discarding = false;
            }
            else if (!_discarding)
            {
                if (_lineLength == MaxLineLength)
                {
                    _discarding = true;
                }
                else
                {
                    _line[_lineLength++] = b;
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _lineLength = 0;
        _discarding = true; // the first line after a reconnect is probably cut; it is counted as malformed
    }

    private void ParseLine(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd((byte)'\r').Trim((byte)' ');
        if (line.IsEmpty)
        {
            return;
        }

        Span<float> instant = _frame.AsSpan(_instants * _channels, _channels);
        for (int c = 0; c < _channels; c++)
        {
            line = line.TrimStart((byte)' ');
            if (!Utf8Parser.TryParse(line, out float value, out int consumed) || consumed == 0)
            {
                Counters.MalformedLines++;
                return;
            }

            instant[c] = value;
            line = line[consumed..].TrimStart((byte)' ');
            bool last = c == _channels - 1;
            if (last ? !line.IsEmpty : (line.IsEmpty || line[0] != (byte)','))
            {
                Counters.MalformedLines++;
                return;
            }

            if (!last)
            {
                line = line[1..];
            }
        }

        if (++_instants == _instantsPerFrame)
        {
            var header = new FrameHeader(_sensorId, _sequence++, _nextSampleIndex, _clock.TimestampOf(_nextSampleIndex), _instants, _channels);
            RingWriteResult result = _ring.Write(header, _frame);
            if (result is RingWriteResult.DroppedNewest or RingWriteResult.TimedOut)
            {
                Counters.RingRejections++;
            }

            Counters.FramesDecoded++;
            _nextSampleIndex += _instants;
            _instants = 0;
        }
    }
}
