using System.Globalization;

namespace EdgeToken.Sensors.Replay;

/// <summary>
/// Reads a CSV recording: one instant per line, comma-separated channel values, optionally a
/// header row and a leading time column in seconds (header "time", "t", "time_s" or "timestamp").
/// The sample rate is given, or derived from the first two time stamps.
/// </summary>
/// <remarks>
/// Values are parsed with the invariant culture, so "0.5" means one half whatever the device's
/// locale. A malformed line is an error naming the file and line, not a silent zero: a replayed
/// recording is evidence, and a hole in it must be fixed, not papered over.
/// </remarks>
public sealed class CsvRecordingReader : IRecordingSource, IDisposable
{
    private static readonly string[] TimeHeaders = ["time", "t", "time_s", "timestamp"];
    private readonly TextReader _reader;
    private readonly string _name;
    private readonly bool _hasTimeColumn;
    private string? _pending;
    private int _lineNumber;

    /// <summary>Opens the CSV file at <paramref name="path"/>.</summary>
    public CsvRecordingReader(string path, double? sampleRateHz = null)
        : this(new StreamReader(path), sampleRateHz, path)
    {
    }

    /// <summary>Reads CSV text from <paramref name="reader"/> (disposed with this reader).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sampleRateHz">Sample rate; required if there is no time column.</param>
    /// <param name="name">Name used in error messages.</param>
    public CsvRecordingReader(TextReader reader, double? sampleRateHz = null, string name = "CSV recording")
    {
        _reader = reader;
        _name = name;
        string first = NextLine() ?? throw new InvalidDataException($"{name}: the recording is empty.");
        string[] cells = first.Split(',');
        bool isHeader = !double.TryParse(cells[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        _hasTimeColumn = isHeader && TimeHeaders.Contains(cells[0].Trim().ToLowerInvariant());
        ChannelNames = isHeader
            ? cells.Skip(_hasTimeColumn ? 1 : 0).Select(c => c.Trim()).ToArray()
            : Enumerable.Range(0, cells.Length).Select(i => $"ch{i}").ToArray();
        if (!isHeader)
        {
            _pending = first;
        }

        ChannelCount = ChannelNames.Count;
        if (ChannelCount < 1)
        {
            throw new InvalidDataException($"{name}:{_lineNumber}: no channel columns.");
        }

        if (sampleRateHz is { } rate)
        {
            SampleRateHz = rate;
        }
        else if (_hasTimeColumn)
        {
            SampleRateHz = DeriveRate();
        }
        else
        {
            throw new InvalidDataException($"{name}: no time column and no sample rate given; pass sampleRateHz or add a 'time' column in seconds.");
        }
    }

    /// <summary>Channel names from the header (or ch0, ch1, …).</summary>
    public IReadOnlyList<string> ChannelNames { get; }

    /// <inheritdoc/>
    public double SampleRateHz { get; }

    /// <inheritdoc/>
    public int ChannelCount { get; }

    /// <inheritdoc/>
    public int Read(Span<float> interleaved)
    {
        int instants = 0;
        int capacity = interleaved.Length / ChannelCount;
        while (instants < capacity)
        {
            string? line = _pending ?? NextLine();
            _pending = null;
            if (line is null)
            {
                break;
            }

            if (line.Length == 0)
            {
                continue;
            }

            ParseLine(line, interleaved.Slice(instants * ChannelCount, ChannelCount));
            instants++;
        }

        return instants;
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();

    private double DeriveRate()
    {
        // Read two lines ahead and hand them to Read again afterwards, with their own line numbers.
        string? a = NextLine();
        string? b = NextLine();
        if (a is null || b is null)
        {
            throw new InvalidDataException($"{_name}: fewer than two samples; cannot derive the sample rate from the time column.");
        }

        double t0 = ParseTime(a), t1 = ParseTime(b);
        if (!(t1 > t0))
        {
            throw new InvalidDataException($"{_name}:{_lineNumber}: time does not increase ({t0} then {t1}); cannot derive the sample rate.");
        }

        _replay = [a, b];
        _replayFirstLine = _lineNumber - 1;
        return Math.Round(1 / (t1 - t0), 6);
    }

    private string[]? _replay;
    private int _replayIndex;
    private int _replayFirstLine;

    private string? NextLine()
    {
        if (_replay is not null && _replayIndex < _replay.Length)
        {
            _lineNumber = _replayFirstLine + _replayIndex;
            return _replay[_replayIndex++];
        }

        _lineNumber++;
        return _reader.ReadLine()?.Trim();
    }

    private double ParseTime(string line)
    {
        int comma = line.IndexOf(',');
        ReadOnlySpan<char> cell = comma < 0 ? line : line.AsSpan(0, comma);
        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double t)
            ? t
            : throw new InvalidDataException($"{_name}:{_lineNumber}: time '{cell}' is not a number.");
    }

    private void ParseLine(string line, Span<float> destination)
    {
        ReadOnlySpan<char> rest = line;
        int expected = ChannelCount + (_hasTimeColumn ? 1 : 0);
        for (int column = 0; column < expected; column++)
        {
            int comma = rest.IndexOf(',');
            ReadOnlySpan<char> cell = comma < 0 ? rest : rest[..comma];
            if (comma < 0 && column != expected - 1)
            {
                throw new InvalidDataException($"{_name}:{_lineNumber}: {column + 1} columns, expected {expected}.");
            }

            if (column > 0 || !_hasTimeColumn)
            {
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                {
                    throw new InvalidDataException($"{_name}:{_lineNumber}:{column + 1}: '{cell.ToString()}' is not a number.");
                }

                destination[column - (_hasTimeColumn ? 1 : 0)] = value;
            }

            rest = comma < 0 ? [] : rest[(comma + 1)..];
        }

        if (!rest.IsEmpty)
        {
            throw new InvalidDataException($"{_name}:{_lineNumber}: more than the {expected} columns of the header.");
        }
    }
}
