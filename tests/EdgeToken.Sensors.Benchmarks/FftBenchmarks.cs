using BenchmarkDotNet.Attributes;
using EdgeToken.Sensors.Dsp;
using MathNet.Numerics.IntegralTransforms;

namespace EdgeToken.Sensors.Benchmarks;

/// <summary>
/// Our real FFT against MathNet.Numerics' <c>Fourier.ForwardReal</c> (its managed provider) on the
/// same block: power-of-two sizes, 1920 = 4^3·2·3·5 (mixed radix) and 2062 = 2·1031 (a prime half length: chirp-z). MathNet transforms in place,
/// so its benchmark includes copying the block into its buffer (a few hundred nanoseconds at most).
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class FftBenchmarks
{
    private RealFft _fft = null!;
    private float[] _input = null!;
    private float[] _re = null!;
    private float[] _im = null!;
    private float[] _mathNet = null!;

    [Params(1024, 1920, 2048, 2062, 4096)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fft = new RealFft(Length);
        var random = new Random(1);
        _input = Enumerable.Range(0, Length).Select(_ => (float)random.NextDouble()).ToArray();
        _re = new float[_fft.BinCount];
        _im = new float[_fft.BinCount];
        _mathNet = new float[Length + 2];
        MathNetForwardReal();
    }

    [Benchmark(Baseline = true)]
    public void EdgeTokenRealFft() => _fft.Forward(_input, _re, _im);

    [Benchmark]
    public void MathNetForwardReal()
    {
        _input.CopyTo(_mathNet, 0);
        Fourier.ForwardReal(_mathNet, Length, FourierOptions.NoScaling);
    }
}
