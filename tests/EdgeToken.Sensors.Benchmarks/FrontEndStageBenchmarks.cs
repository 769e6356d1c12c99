using BenchmarkDotNet.Attributes;
using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.Benchmarks;

/// <summary>The stages of one channel of the bearing front end at N = 2048, to see where a window's time goes.</summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class FrontEndStageBenchmarks
{
    private const int N = 2048;
    private readonly float[] _signal = new float[N];
    private readonly float[] _buffer = new float[N];
    private readonly float[] _re = new float[N];
    private readonly float[] _im = new float[N];
    private readonly float[] _power = new float[(N / 2) + 1];
    private readonly float[] _bands = new float[16];
    private readonly LinearDetrend _detrend = new(N);
    private readonly Window _hann = new(WindowKind.Hann, N);
    private readonly RealFft _real = new(N);
    private readonly ComplexFft _complex = new(N);
    private readonly AnalyticEnvelope _analytic = new(N);
    private readonly EnvelopeSpectrum _envelope = new(N);
    private readonly BandEnergies _bandEnergies = new([.. Enumerable.Range(0, 16).Select(i => new FrequencyBand(i * 25, (i + 1) * 25))], (N / 2) + 1, 10);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (int i = 0; i < N; i++) _signal[i] = (float)random.NextDouble();
    }

    [Benchmark]
    public void Detrend() => _detrend.Apply(_signal, _buffer);

    [Benchmark]
    public TimeDomainStatistics Statistics() => TimeDomainStatistics.Compute(_signal);

    [Benchmark]
    public void Hann() => _hann.Apply(_signal, _buffer);

    [Benchmark]
    public void RealForward() => _real.Forward(_signal, _re.AsSpan(0, (N / 2) + 1), _im.AsSpan(0, (N / 2) + 1));

    [Benchmark]
    public void ComplexInverse() => _complex.Inverse(_re, _im);

    [Benchmark]
    public void Analytic() => _analytic.Compute(_signal, _buffer);

    [Benchmark]
    public void EnvelopeSpectrum() => _envelope.Compute(_signal, _power);

    [Benchmark]
    public void PowerAndBands()
    {
        Spectrum.Power(_re.AsSpan(0, (N / 2) + 1), _im.AsSpan(0, (N / 2) + 1), _power);
        _bandEnergies.Compute(_power, _bands);
    }
}
