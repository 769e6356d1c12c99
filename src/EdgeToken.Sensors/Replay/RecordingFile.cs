namespace EdgeToken.Sensors.Replay;

/// <summary>Opens a recording by its extension: <c>.wav</c> or <c>.csv</c>.</summary>
public static class RecordingFile
{
    /// <summary>Whether <paramref name="path"/> names a format EdgeToken reads and writes.</summary>
    public static bool IsSupported(string path) => IsWav(path) || IsCsv(path);

    /// <summary>True for a <c>.wav</c> path.</summary>
    public static bool IsWav(string path) => Path.GetExtension(path).Equals(".wav", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a <c>.csv</c> path.</summary>
    public static bool IsCsv(string path) => Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the recording at <paramref name="path"/>; the caller disposes the result.</summary>
    /// <param name="path">A .wav or .csv file.</param>
    /// <param name="sampleRateHz">For a CSV file without a time column; ignored for WAV (the header has the rate).</param>
    /// <exception cref="InvalidDataException">Unknown extension or malformed file (the message names the file).</exception>
    public static IRecordingSource Open(string path, double? sampleRateHz = null)
    {
        if (IsWav(path))
        {
            return new WavReader(path);
        }

        if (IsCsv(path))
        {
            return new CsvRecordingReader(path, sampleRateHz);
        }

        throw new InvalidDataException($"{path}: unknown recording format '{Path.GetExtension(path)}'; use a .wav or .csv file.");
    }

    /// <summary>Creates (or overwrites) a recording at <paramref name="path"/>; the caller disposes the result to finish the file.</summary>
    /// <param name="path">A .wav or .csv file.</param>
    /// <param name="sampleRateHz">Sample rate (a whole number of hertz for WAV, whose header stores an integer).</param>
    /// <param name="channelCount">Interleaved channels.</param>
    /// <param name="wavEncoding">Sample encoding of a WAV file; float32 keeps values beyond ±1 (e.g. g of a shock) intact.</param>
    /// <exception cref="InvalidDataException">Unknown extension, or a fractional rate for WAV.</exception>
    public static IRecordingSink Create(string path, double sampleRateHz, int channelCount, WavEncoding wavEncoding = WavEncoding.Float32)
    {
        if (IsWav(path))
        {
            if (sampleRateHz != Math.Round(sampleRateHz) || sampleRateHz < 1 || sampleRateHz > int.MaxValue)
            {
                throw new InvalidDataException($"{path}: WAV stores the sample rate as a whole number of hertz; {sampleRateHz} Hz does not fit. Record to .csv instead.");
            }

            return new WavWriter(path, new WavFormat((int)sampleRateHz, channelCount, wavEncoding));
        }

        if (IsCsv(path))
        {
            return new CsvRecordingWriter(path, sampleRateHz, channelCount);
        }

        throw new InvalidDataException($"{path}: unknown recording format '{Path.GetExtension(path)}'; use a .wav or .csv file.");
    }
}
