using BenchmarkDotNet.Attributes;
using EdgeToken.Compiler;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Benchmarks;

/// <summary>One inference of the benchmark MLP and 1-D CNN as a float plan and as the INT8 plan the quantizer makes of it
/// (both on the plan executor, one thread), plus the int8 1-D convolution kernel alone on a 1-D CNN layer's shape.</summary>
/// <remarks>Run: dotnet run -c Release --project tests/EdgeToken.Benchmarks -- --filter '*Int8VsFloat*'</remarks>
[MemoryDiagnoser]
public class Int8VsFloat
{
    private PlanExecutor _float = null!;
    private PlanExecutor _int8 = null!;
    private Int8ConvGeometry _conv = null!;
    private sbyte[] _convX = null!, _convW = null!, _convY = null!;
    private Int8ConvWeights _convWeights = null!;
    private int[] _convBias = null!;
    private FixedPointMultiplier[] _convScales = null!;
    private byte[] _convScratch = null!;

    private PlanExecutor _cnnFloat = null!;
    private PlanExecutor _cnnInt8 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        (_float, _int8) = Compile("mlp", rng);
        (_cnnFloat, _cnnInt8) = Compile("cnn1d", rng);
        // A 1-D CNN layer: 32 channels in, 32 out, kernel 5, 256 samples, same padding.
        _conv = Int8ConvGeometry.Create(32, 1, 256, 32, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2));
        _convX = new sbyte[32 * 256];
        _convW = new sbyte[32 * _conv.PatchSize];
        rng.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_convX.AsSpan()));
        rng.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_convW.AsSpan()));
        _convWeights = new Int8ConvWeights(_conv, _convW, Int8Paths.Best);
        _convY = new sbyte[32 * _conv.OutPixels];
        _convBias = new int[32];
        _convScales = [FixedPointMultiplier.FromReal(0.0007)];
        _convScratch = new byte[_conv.ScratchBytes];
    }

    /// <summary>The benchmark model as a float plan and as the int8 plan quantized on 64 random windows, both fed the
    /// same random input.</summary>
    private static (PlanExecutor Float, PlanExecutor Int8) Compile(string name, Random rng)
    {
        string path = BenchmarkModels.Path(name);
        var f = ModelCompiler.CompileFile(path);
        int n = (int)f.Plan.Input(0).Info.ElementCount;
        string calib = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"edgetoken-bench-{Environment.ProcessId}.f32");
        var bytes = new byte[64 * n * 4];
        for (int i = 0; i < 64 * n; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), (float)(rng.NextDouble() * 2 - 1));
        File.WriteAllBytes(calib, bytes);
        var q = ModelCompiler.CompileFile(path, new CompileOptions { CalibrationPath = calib });
        File.Delete(calib);
        var (ef, eq) = (new PlanExecutor(f.Plan), new PlanExecutor(q.Plan));
        for (int i = 0; i < n; i++) ef.Input<float>(0)[i] = eq.Input<float>(0)[i] = (float)(rng.NextDouble() * 2 - 1);
        long fw = q.QuantizedLayers.Sum(l => l.FloatWeightBytes), qw = q.QuantizedLayers.Sum(l => l.Int8WeightBytes);
        Console.WriteLine($"// {name}: float plan weights {f.Plan.Weights.Length:N0} B, int8 plan weights {q.Plan.Weights.Length:N0} B " +
            $"({(double)f.Plan.Weights.Length / q.Plan.Weights.Length:F2}x); weight matrices {(double)fw / qw:F2}x; int8 path {Int8Paths.Best}; " +
            $"int8 steps: {string.Join(" ", q.Plan.Steps.Select(s => s.OpType))}");
        return (ef, eq);
    }

    [Benchmark(Baseline = true, Description = "mlp float plan")]
    public void MlpFloat() => _float.Run();

    [Benchmark(Description = "mlp int8 plan")]
    public void MlpInt8() => _int8.Run();

    [Benchmark(Description = "cnn1d float plan")]
    public void Cnn1DFloat() => _cnnFloat.Run();

    [Benchmark(Description = "cnn1d int8 plan")]
    public void Cnn1DInt8() => _cnnInt8.Run();

    /// <summary>The kernel QConv runs: <see cref="Int8ShiftedRowsConv"/> on AVX2 and AVX-512BW, the GEMM elsewhere.</summary>
    [Benchmark(Description = "conv1d 32x256 k5 int8 kernel")]
    public void Conv1DInt8() => _convWeights.Run(_convX, _convBias, _convScales, 0, 0, -128, 127, _convY, _convScratch);
}
