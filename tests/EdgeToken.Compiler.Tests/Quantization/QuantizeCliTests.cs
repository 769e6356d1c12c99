using System.Text.Json;
using EdgeToken.Compiler.Tests.Cli;

namespace EdgeToken.Compiler.Tests.Quantization;

public class QuantizeCliTests
{
    [Fact]
    public void Compile_quantize_report_json_has_per_layer_rows_and_totals_and_emits_qdq_onnx()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Mlp(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(20, 64, 7));
        string onnx = Path.Combine(dir, "q.onnx");
        var (exit, stdout, stderr) = CliProcess.Run("compile", model, "--quantize", calib, "--calibration", "Percentile", "--emit-onnx", onnx, "--report", "--json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var q = doc.RootElement.GetProperty("quantization");
        Assert.Equal(3, q.GetProperty("layers").GetInt32());
        Assert.Equal("Percentile", q.GetProperty("method").GetString());
        Assert.Equal(20, q.GetProperty("calibrationSamples").GetInt32());
        Assert.False(q.GetProperty("calibrationIsRecording").GetBoolean());
        Assert.Equal(4.0, q.GetProperty("weightSizeRatio").GetDouble());
        Assert.InRange(q.GetProperty("sizeRatio").GetDouble(), 3.0, 4.0);
        Assert.True(q.GetProperty("arenaBytes").GetInt64() > 0);
        foreach (var layer in q.GetProperty("perLayer").EnumerateArray())
        {
            Assert.True(layer.GetProperty("sqnrDb").GetDouble() > 20);
            Assert.True(layer.GetProperty("macs").GetInt64() > 0);
            Assert.True(layer.GetProperty("maxError").GetDouble() >= 0);
        }
        Assert.Equal(onnx, doc.RootElement.GetProperty("emittedOnnx").GetString());
        Assert.True(new FileInfo(onnx).Length > 0);
    }

    [Fact]
    public void Text_report_and_user_errors()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Mlp(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(5, 64, 7));
        var (exit, stdout, _) = CliProcess.Run("compile", model, "--quantize", calib, "--report");
        Assert.Equal(0, exit);
        Assert.Contains("quantized 3 layers to INT8 (MinMax calibration on ", stdout);
        Assert.Contains("calib.f32: 5 samples; per-channel 8-bit weights)", stdout);
        Assert.Contains("weights alone 4.00x", stdout);

        (exit, _, var stderr) = CliProcess.Run("compile", model, "--report");
        Assert.Equal(2, exit);
        Assert.Contains("--quantize", stderr);
        File.WriteAllBytes(Path.Combine(dir, "bad.f32"), new byte[12]);
        (exit, _, stderr) = CliProcess.Run("compile", model, "--quantize", Path.Combine(dir, "bad.f32"));
        Assert.Equal(2, exit);
        Assert.Contains("bad.f32: 12 bytes is not a whole number of samples of 64 float32 values", stderr);
    }

    [Fact]
    public void The_report_names_the_convolutions_that_requantize_on_32_bit_lanes()
    {
        // A 1-D CNN: its convolutions' multipliers are rounded to the bits their sums allow (at least 10); the Gemm keeps 31.
        var (builder, dims) = QuantizedConvTests.Model("cnn1d");
        string dir = TestModels.TempDir();
        string model = TestModels.Save(builder, dir);
        int length = dims.Aggregate(1, (a, b) => a * b);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(20, length, 11));
        var (exit, stdout, stderr) = CliProcess.Run("compile", model, "--quantize", calib, "--report", "--json");
        Assert.True(exit == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var layers = doc.RootElement.GetProperty("quantization").GetProperty("perLayer").EnumerateArray().ToList();
            var convs = layers.Where(l => l.GetProperty("op").GetString() == "Conv").ToList();
            Assert.NotEmpty(convs);
            Assert.All(convs, l => Assert.InRange(l.GetProperty("requantBits").GetInt32(), 10, 30));
            Assert.All(layers.Where(l => l.GetProperty("op").GetString() != "Conv"), l => Assert.Equal(31, l.GetProperty("requantBits").GetInt32()));
        }
        (exit, stdout, _) = CliProcess.Run("compile", model, "--quantize", calib, "--report");
        Assert.Equal(0, exit);
        Assert.Matches(@"Conv\S*\s+Conv .* 32-bit, 1\d-bit M", stdout);
    }

    [Fact]
    public void Weight_bits_7_is_reported_and_other_widths_are_refused()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Mlp(), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(20, 64, 7));
        var (exit, stdout, stderr) = CliProcess.Run("compile", model, "--quantize", calib, "--weight-bits", "7", "--report", "--json");
        Assert.True(exit == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var q = doc.RootElement.GetProperty("quantization");
            Assert.Equal(7, q.GetProperty("weightBits").GetInt32());
            foreach (var layer in q.GetProperty("perLayer").EnumerateArray()) Assert.True(layer.GetProperty("sqnrDb").GetDouble() > 20);
        }
        (exit, stdout, _) = CliProcess.Run("compile", model, "--quantize", calib, "--weight-bits", "7", "--report");
        Assert.Equal(0, exit);
        Assert.Contains("per-channel 7-bit weights", stdout);

        (exit, _, stderr) = CliProcess.Run("compile", model, "--quantize", calib, "--weight-bits", "6");
        Assert.NotEqual(0, exit);
        Assert.Contains("--weight-bits 6: use 8 or 7", stderr);
        (exit, _, stderr) = CliProcess.Run("bench", model, "--int8", "--weight-bits", "9", "--against", "none");
        Assert.NotEqual(0, exit);
        Assert.Contains("--weight-bits 9: use 8 or 7", stderr);
    }

    /// <summary>By default the cost model decides: a hidden-32 GRU (slower in int8 on x64) stays float and the report
    /// says why; --quantize-recurrent forces it to int8, about a third of the float bytes.</summary>
    [Fact]
    public void A_small_gru_stays_float_by_default_with_the_reason_and_quantize_recurrent_forces_it()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Gru(head: true), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(10, 12 * 6, 3));
        var (exit, stdout, stderr) = CliProcess.Run("compile", model, "--quantize", calib, "--report");
        Assert.True(exit == 0, stderr);
        Assert.Contains("float recurrent layers:", stdout);
        Assert.Contains("hidden 32 < 64", stdout);
        Assert.Contains("--quantize-recurrent", stdout);

        (exit, stdout, stderr) = CliProcess.Run("compile", model, "--quantize", calib, "--quantize-recurrent", "--report", "--json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var q = doc.RootElement.GetProperty("quantization");
        Assert.Equal(0, q.GetProperty("floatRecurrent").GetArrayLength());
        var gru = q.GetProperty("perLayer").EnumerateArray().Single(l => l.GetProperty("op").GetString() == "GRU");
        double ratio = gru.GetProperty("floatBytes").GetDouble() / gru.GetProperty("int8Bytes").GetDouble();
        Assert.InRange(ratio, 2.5, 4.0);
    }

    /// <summary>A hidden-64 GRU, where the int8 cell measured faster, is quantized by default; --quantize-recurrent false
    /// keeps it float and the report says it was turned off.</summary>
    [Fact]
    public void A_wide_gru_is_quantized_by_default_and_quantize_recurrent_false_keeps_it_float()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Gru(head: true, hidden: 64), dir);
        string calib = QuantModels.WriteF32(dir, QuantModels.Samples(10, 12 * 6, 3));
        var (exit, stdout, stderr) = CliProcess.Run("compile", model, "--quantize", calib, "--report", "--json");
        Assert.True(exit == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            var q = doc.RootElement.GetProperty("quantization");
            Assert.Equal(0, q.GetProperty("floatRecurrent").GetArrayLength());
            Assert.Contains(q.GetProperty("perLayer").EnumerateArray(), l => l.GetProperty("op").GetString() == "GRU");
        }

        (exit, stdout, stderr) = CliProcess.Run("compile", model, "--quantize", calib, "--quantize-recurrent", "false", "--report");
        Assert.True(exit == 0, stderr);
        Assert.Contains("(GRU: recurrent quantization turned off", stdout);
        Assert.DoesNotContain(" GRU     ", stdout);
    }
}
