using System.Buffers.Binary;
using System.Globalization;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Calibration (or validation) inputs for a single-input model, one float32 sample per whole input tensor.</summary>
/// <remarks>Formats, chosen by extension:
/// <list type="bullet">
/// <item><c>.f32</c>: raw float32, little-endian, samples back to back with no header; the file's length must be a multiple
/// of 4 × the input's element count (a recording from a sensor front-end written as it arrives).</item>
/// <item><c>.csv</c>: one sample per line, its values comma-separated in the input's row-major order, '.' as decimal
/// separator; empty lines and lines starting with '#' are skipped.</item>
/// </list></remarks>
public static class CalibrationData
{
    public static List<float[]> Load(string path, int elementsPerSample)
    {
        if (!File.Exists(path)) throw new DataFileException($"{path}: calibration file not found");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".f32" => ReadRaw(path, elementsPerSample),
            ".csv" => ReadCsv(path, elementsPerSample),
            ".wav" => throw new DataFileException($"{path}: a .wav is a sensor recording, not model inputs; name it as a manifest's \"calibration\", whose input section and preprocess chain turn each window into a model input (a bare model has no front end to run it through)"),
            _ => throw new DataFileException($"{path}: unknown calibration format; use .f32 (raw float32 little-endian) or .csv (one sample per line)"),
        };
    }

    private static List<float[]> ReadRaw(string path, int n)
    {
        var bytes = File.ReadAllBytes(path);
        int sampleBytes = n * sizeof(float);
        if (bytes.Length == 0 || bytes.Length % sampleBytes != 0)
            throw new DataFileException($"{path}: {bytes.Length} bytes is not a whole number of samples of {n} float32 values ({sampleBytes} bytes each)");
        var samples = new List<float[]>(bytes.Length / sampleBytes);
        for (int s = 0; s < bytes.Length; s += sampleBytes)
        {
            var v = new float[n];
            for (int i = 0; i < n; i++) v[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(s + i * 4, 4));
            samples.Add(v);
        }
        return samples;
    }

    private static List<float[]> ReadCsv(string path, int n)
    {
        var samples = new List<float[]>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#') continue;
            var cells = text.Split(',');
            if (cells.Length != n)
                throw new DataFileException($"{path}:{lineNumber}:1: {cells.Length} values, the model's input has {n}");
            var v = new float[n];
            int column = 1;
            for (int i = 0; i < n; i++)
            {
                if (!float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                    throw new DataFileException($"{path}:{lineNumber}:{column}: '{cells[i].Trim()}' is not a number");
                column += cells[i].Length + 1;
            }
            samples.Add(v);
        }
        if (samples.Count == 0) throw new DataFileException($"{path}: no samples");
        return samples;
    }
}
