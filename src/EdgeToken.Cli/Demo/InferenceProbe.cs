using System.Diagnostics;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Cli.Demo;

/// <summary>
/// The model's own latency per window, on one thread before the fleet starts. The fleet's figure is timed
/// inside busy pipeline threads (many per core), so it includes waiting for a CPU; this one does not.
/// </summary>
public static class InferenceProbe
{
    public static double MedianMicroseconds(Plan plan, int runs = 2000)
    {
        var pipeline = new AnomalyClassifierPipeline(plan, "probe", 0.5);
        var features = new float[pipeline.InputLength];
        for (int i = 0; i < features.Length; i++) features[i] = 0.01f * (i + 1); // any finite vector: the cost does not depend on the values
        for (int i = 0; i < 200; i++) pipeline.Infer(features, out _); // JIT and caches
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            pipeline.Infer(features, out _);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
