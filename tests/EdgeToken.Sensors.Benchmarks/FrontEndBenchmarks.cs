using BenchmarkDotNet.Attributes;
using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Sensors.Benchmarks;

/// <summary>
/// One hop (1024 instants x 3 channels = 3072 samples) through the bearing front end: one 3-channel
/// window per call. Samples per second = 3072 / Mean.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class FrontEndBenchmarks
{
    /// <summary>Samples consumed per benchmark call.</summary>
    public const int SamplesPerWindow = 1024 * 3;

    private BearingFrontEnd _frontEnd = null!;
    private float[] _hop = null!;
    private float[] _features = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frontEnd = new BearingFrontEnd(BearingFrontEndOptions.Default(20480));
        var random = new Random(1);
        _hop = Enumerable.Range(0, SamplesPerWindow).Select(_ => (float)random.NextDouble()).ToArray();
        _features = new float[_frontEnd.FeatureCount];
        _frontEnd.Process(_hop, _features);
        _frontEnd.Process(_hop, _features);
    }

    [Benchmark]
    public int Window() => _frontEnd.Process(_hop, _features).WindowsWritten;
}
