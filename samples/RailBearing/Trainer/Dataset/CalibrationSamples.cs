using System.Buffers.Binary;

namespace EdgeToken.Samples.RailBearing.Dataset;

/// <summary>Writes evenly spaced training windows as a .f32 calibration file for <c>edgetoken compile --quantize</c>
/// (raw float32 little-endian, whole inputs back to back; docs/quantization.md).</summary>
public static class CalibrationSamples
{
    public static void Write(FeatureSet set, string path, int count)
    {
        count = Math.Min(count, set.Count);
        var bytes = new byte[count * set.FeatureCount * sizeof(float)];
        int offset = 0;
        for (int k = 0; k < count; k++)
        {
            // Evenly spaced rows cover every speed, load and class of the ordered training set.
            foreach (float v in set.Row((int)((long)k * set.Count / count)))
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), v);
                offset += sizeof(float);
            }
        }
        File.WriteAllBytes(path, bytes);
    }
}
