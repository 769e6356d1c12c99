using BenchmarkDotNet.Attributes;
using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.Benchmarks;

/// <summary>Vectorised statistics against the scalar reference on one 2048-sample window.</summary>
public class StatisticsBenchmarks
{
    private readonly float[] _window = Enumerable.Range(0, 2048).Select(i => MathF.Sin(i * 0.1f)).ToArray();

    [Benchmark(Baseline = true)]
    public TimeDomainStatistics Scalar() => TimeDomainStatistics.ComputeScalar(_window);

    [Benchmark]
    public TimeDomainStatistics Vectorised() => TimeDomainStatistics.Compute(_window);
}
