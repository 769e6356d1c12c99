using EdgeToken.Compiler.Quantization;

namespace EdgeToken.Compiler.Tests.Quantization;

public class CalibrationTests
{
    [Fact]
    public void Raw_and_csv_files_give_the_same_samples()
    {
        string dir = TestModels.TempDir();
        var samples = QuantModels.Samples(3, 4, 7);
        string f32 = QuantModels.WriteF32(dir, samples);
        string csv = Path.Combine(dir, "calib.csv");
        File.WriteAllLines(csv, ["# three windows of four values", .. samples.Select(s => string.Join(",", s.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))), ""]);
        var a = CalibrationData.Load(f32, 4);
        var b = CalibrationData.Load(csv, 4);
        Assert.Equal(3, a.Count);
        for (int i = 0; i < 3; i++) { Assert.Equal(samples[i], a[i]); Assert.Equal(samples[i], b[i]); }
    }

    [Fact]
    public void Bad_files_name_the_place_and_the_problem()
    {
        string dir = TestModels.TempDir();
        string f32 = Path.Combine(dir, "short.f32");
        File.WriteAllBytes(f32, new byte[10]);
        Assert.Contains("not a whole number of samples of 4", Assert.Throws<DataFileException>(() => CalibrationData.Load(f32, 4)).Message);
        string csv = Path.Combine(dir, "bad.csv");
        File.WriteAllLines(csv, ["1,2,3,4", "1,2,x,4"]);
        Assert.Contains("bad.csv:2:5: 'x' is not a number", Assert.Throws<DataFileException>(() => CalibrationData.Load(csv, 4)).Message);
        File.WriteAllLines(csv, ["1,2,3"]);
        Assert.Contains("bad.csv:1:1: 3 values", Assert.Throws<DataFileException>(() => CalibrationData.Load(csv, 4)).Message);
        Assert.Contains("not found", Assert.Throws<DataFileException>(() => CalibrationData.Load(Path.Combine(dir, "none.f32"), 4)).Message);
        File.WriteAllText(csv + ".bin", "x");
        Assert.Contains("unknown calibration format", Assert.Throws<DataFileException>(() => CalibrationData.Load(csv + ".bin", 4)).Message);
        File.WriteAllText(csv + ".wav", "RIFF");
        Assert.Contains("a .wav is a sensor recording, not model inputs; name it as a manifest's \"calibration\"", Assert.Throws<DataFileException>(() => CalibrationData.Load(csv + ".wav", 4)).Message);
    }

    [Fact]
    public void Methods_clip_outliers_as_documented()
    {
        var o = new RangeObserver();
        var rng = new Random(4);
        var values = new float[100_000];
        for (int i = 0; i < values.Length; i++) // a standard normal (Box-Muller), the shape activations tend to have
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        values[0] = 50; // one outlier
        o.Observe(values);
        var minMax = o.Range(CalibrationMethod.MinMax);
        Assert.Equal(50, minMax.Hi);
        var pct = o.Range(CalibrationMethod.Percentile, 99.9);
        Assert.InRange(pct.Hi, 2.9f, 3.3f);   // the 99.9th percentile of N(0, 1) is 3.09
        Assert.InRange(pct.Lo, -3.3f, -2.9f);
        var kl = o.Range(CalibrationMethod.Entropy);
        Assert.InRange(kl.Hi, 2f, 10f); // the outlier is clipped, the bulk is kept
        Assert.Equal((0f, 0f), new RangeObserver().Range(CalibrationMethod.MinMax));
    }

    [Fact]
    public void Asymmetric_parameters_represent_zero_exactly_and_span_the_range()
    {
        var p = QuantizationParameters.Asymmetric(0, 6.35f);
        Assert.Equal(-128, p.ZeroPoint);
        Assert.Equal(0f, p.Dequantize(p.Quantize(0)));
        Assert.Equal(127, p.Quantize(6.35f));
        var s = QuantizationParameters.Asymmetric(-1, 3);
        Assert.Equal(-1f, s.Dequantize(-128), 2);
        Assert.Equal(3f, s.Dequantize(127), 2);
        var (w, scales) = WeightQuantizer.Quantize([1f, -0.5f, 0f, 0.25f, -2f, 0f], 2, 3, perChannel: true);
        Assert.Equal([127, -64, 0, 16, -127, 0], w);
        Assert.Equal([1f / 127, 2f / 127], scales);
    }
}
