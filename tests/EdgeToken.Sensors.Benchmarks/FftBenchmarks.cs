using BenchmarkDotNet.Attributes;
using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.Benchmarks;

/// <summary>Real FFT at power-of-two and mixed-radix sizes (2048 = 4^5·2, 1920 = 4^3·2·3·5, 2000 = 4^2·5^3).</summary>
[MemoryDiagnoser]
public class FftBenchmarks
{
    private RealFft _fft = null!;
    private float[] _input = null!;
    private float[] _re = null!;
    private float[] _im = null!;

    [Params(1024, 1920, 2000, 2048, 8192)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fft = new RealFft(Length);
        var random = new Random(1);
        _input = Enumerable.Range(0, Length).Select(_ => (float)random.NextDouble()).ToArray();
        _re = new float[_fft.BinCount];
        _im = new float[_fft.BinCount];
    }

    [Benchmark]
    public void Forward() => _fft.Forward(_input, _re, _im);
}
