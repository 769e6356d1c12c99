using BenchmarkDotNet.Attributes;
using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Sensors.Benchmarks;

/// <summary>One hop (1024 instants x 3 channels) through the bearing front end: one 3-channel window per call.</summary>
[MemoryDiagnoser]
public class FrontEndBenchmarks
{
    private BearingFrontEnd _frontEnd = null!;
    private float[] _hop = null!;
    private float[] _features = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frontEnd = new BearingFrontEnd(BearingFrontEndOptions.Default(20480));
        var random = new Random(1);
        _hop = Enumerable.Range(0, 1024 * 3).Select(_ => (float)random.NextDouble()).ToArray();
        _features = new float[_frontEnd.FeatureCount];
        _frontEnd.Process(_hop, _features);
        _frontEnd.Process(_hop, _features);
    }

    [Benchmark]
    public int Window() => _frontEnd.Process(_hop, _features).WindowsWritten;
}
