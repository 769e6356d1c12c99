using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Compiler.Tests.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Compiler.Tests.Pruning;

public class BiasCorrectionTests
{
    private static float[] Run(CompiledModel m, float[] x)
    {
        var e = new PlanExecutor(m.Plan);
        x.CopyTo(e.Input<float>(0));
        e.Run();
        return e.Output<float>(0).ToArray();
    }

    /// <summary>|mean over samples of (reference − model)|, averaged over outputs: the bias the correction targets.</summary>
    private static double MeanShift(CompiledModel reference, CompiledModel model, IReadOnlyList<float[]> samples)
    {
        double[]? sum = null;
        foreach (var x in samples)
        {
            var a = Run(reference, x);
            var b = Run(model, x);
            sum ??= new double[a.Length];
            for (int i = 0; i < a.Length; i++) sum[i] += a[i] - b[i];
        }
        return sum!.Average(s => Math.Abs(s / samples.Count));
    }

    // Inputs with a non-zero mean (a sensor's DC offset): what makes pruning shift the outputs' mean.
    private static List<float[]> Offset(List<float[]> samples) => samples.Select(s => s.Select(v => v + 1.5f).ToArray()).ToList();

    [Fact]
    public void After_pruning_it_reduces_the_mean_output_error()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Mlp(), dir);
        string calib = QuantModels.WriteF32(dir, Offset(QuantModels.Samples(50, 64, 100)));
        var validation = Offset(QuantModels.Samples(50, 64, 500));
        var f = ModelCompiler.CompileFile(model);
        var prune = new PruneOptions { Sparsity = 0.6 };
        var plain = ModelCompiler.CompileFile(model, new CompileOptions { Prune = prune });
        var corrected = ModelCompiler.CompileFile(model, new CompileOptions { Prune = prune, CalibrationPath = calib, BiasCorrection = true, Quantize = new QuantizeOptions { Enabled = false } });
        double before = MeanShift(f, plain, validation), after = MeanShift(f, corrected, validation);
        Assert.True(after < 0.7 * before, $"mean output error {before:F4} without correction, {after:F4} with");
    }

    [Fact]
    public void After_quantization_it_reduces_the_mean_output_error()
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(QuantModels.Mlp(), dir);
        string calib = QuantModels.WriteF32(dir, Offset(QuantModels.Samples(50, 64, 100)));
        var validation = Offset(QuantModels.Samples(50, 64, 500));
        var f = ModelCompiler.CompileFile(model);
        var quantize = new QuantizeOptions { PerChannelWeights = false };
        var plain = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Quantize = quantize });
        var corrected = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Quantize = quantize, BiasCorrection = true });
        double before = MeanShift(f, plain, validation), after = MeanShift(f, corrected, validation);
        Assert.True(after < before, $"mean output error {before:F5} without correction, {after:F5} with");
    }

    [Theory]
    [InlineData("cnn1d", 4 * 32)]
    [InlineData("cnn2d", 3 * 10 * 10)]
    public void After_quantization_it_reduces_the_mean_output_error_of_convolutions(string name, int length)
    {
        string dir = TestModels.TempDir();
        string model = TestModels.Save(name == "cnn1d" ? QuantModels.Cnn1D() : QuantModels.Cnn2D(), dir);
        string calib = QuantModels.WriteF32(dir, Offset(QuantModels.Samples(50, length, 100)));
        var validation = Offset(QuantModels.Samples(50, length, 500));
        var f = ModelCompiler.CompileFile(model);
        var quantize = new QuantizeOptions { PerChannelWeights = false };
        var plain = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Quantize = quantize });
        var corrected = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Quantize = quantize, BiasCorrection = true });
        Assert.Contains(corrected.Plan.Steps, s => s.OpType == QConv.OpType);
        double before = MeanShift(f, plain, validation), after = MeanShift(f, corrected, validation);
        Assert.True(after < before, $"mean output error {before:F5} without correction, {after:F5} with");
    }

    [Fact]
    public void Without_calibration_data_it_is_an_error()
    {
        string model = TestModels.Save(QuantModels.Mlp(), TestModels.TempDir());
        var e = Assert.Throws<CompileException>(() => ModelCompiler.CompileFile(model, new CompileOptions { Prune = new PruneOptions(), BiasCorrection = true }));
        Assert.Contains("calibration", e.Message);
    }
}
