using System.Diagnostics;

namespace EdgeToken.Cli.Bench;

/// <summary>Figures of one target: latency percentiles over the timed calls and managed bytes allocated per call.</summary>
public sealed record TargetFigures(string Target, double P50Microseconds, double P99Microseconds, double MeanMicroseconds,
    double AllocatedBytesPerInference, int Gen0Collections, double P50RatioToGenerated, double MaxAbsDifferenceToExecutor);

/// <summary>
/// Times several targets on one thread, interleaved call by call (generated, executor, ORT, generated, ...) so
/// that noise from other processes on a shared machine lands on all of them alike. Allocation is counted in a
/// separate untimed pass per target (best of three) with <see cref="GC.GetAllocatedBytesForCurrentThread"/>, which is exact.
/// </summary>
internal static class LatencyBench
{
    public static TargetFigures[] Run(IReadOnlyList<BenchTarget> targets, int inputLength, int outputLength, double seconds, int seed, out int iterations)
    {
        var window = Window(inputLength, seed);
        var outputs = targets.Select(_ => new float[outputLength]).ToArray();

        // Warm-up: JIT tiers and ORT's first-run allocations; also gives the per-call estimate for the budget.
        var perCall = new double[targets.Count];
        for (int t = 0; t < targets.Count; t++)
        {
            long start = Stopwatch.GetTimestamp();
            int calls = 0;
            while (calls < 30 || (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.3 && calls < 5000))
            {
                targets[t].Infer(window, outputs[t]);
                calls++;
            }
            perCall[t] = Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
        }
        SettleJit(targets, window, outputs);
        int n = (int)Math.Clamp(seconds / perCall.Sum(), 200, 200_000);
        iterations = n;

        var samples = targets.Select(_ => new long[n]).ToArray();
        var gen0 = new int[targets.Count];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < targets.Count; t++)
            {
                int before = GC.CollectionCount(0);
                long t0 = Stopwatch.GetTimestamp();
                targets[t].Infer(window, outputs[t]);
                samples[t][i] = Stopwatch.GetTimestamp() - t0;
                gen0[t] += GC.CollectionCount(0) - before;
            }

        var allocated = new double[targets.Count];
        int allocationCalls = Math.Min(n, 1000);
        for (int t = 0; t < targets.Count; t++)
        {
            // Best of up to three passes: a one-off allocation on this thread (a runtime's lazy initialisation seen
            // once in CI inside ONNX Runtime's IOBinding run: 3,240 B in one pass) is not a per-inference cost;
            // anything that allocates on every call shows in all three.
            allocated[t] = double.MaxValue;
            for (int pass = 0; pass < 3 && allocated[t] > 0; pass++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < allocationCalls; i++) targets[t].Infer(window, outputs[t]);
                allocated[t] = Math.Min(allocated[t], (GC.GetAllocatedBytesForCurrentThread() - before) / (double)allocationCalls);
            }
        }

        int executor = targets.ToList().FindIndex(t => t is ExecutorTarget);
        var figures = new TargetFigures[targets.Count];
        double generatedP50 = 0;
        for (int t = 0; t < targets.Count; t++)
        {
            Array.Sort(samples[t]);
            double p50 = Micro(samples[t][n / 2]);
            if (t == 0) generatedP50 = p50;
            double diff = 0;
            if (executor >= 0)
                for (int k = 0; k < outputLength; k++) diff = Math.Max(diff, Math.Abs(outputs[t][k] - outputs[executor][k]));
            figures[t] = new TargetFigures(targets[t].Name, p50, Micro(samples[t][Math.Min(n - 1, (int)(n * 0.99))]),
                Micro((long)samples[t].Average()), allocated[t], gen0[t], p50 / generatedP50, diff);
        }
        return figures;
    }

    /// <summary>The input window every target gets: uniform in [-1, 1] from <paramref name="seed"/>.</summary>
    public static float[] Window(int inputLength, int seed)
    {
        var rng = new Random(seed);
        var window = new float[inputLength];
        for (int i = 0; i < window.Length; i++) window[i] = (float)(rng.NextDouble() * 2 - 1);
        return window;
    }

    /// <summary>Keeps calling every target in turn until a 200 ms round compiles no method (at most 6 s).</summary>
    /// <remarks>The bench process has just run the generator and Roslyn, and tiered compilation promotes thousands of
    /// their methods to tier 1 on a background thread for a second or more after the first warm-up: measured on cnn1d
    /// (2 shared cores) 6,000 methods over five 200 ms rounds. Timed calls that share the cores with that thread gave the
    /// int8 class a p99 of 140-230 µs against a p50 of 13 µs; timed once the JIT is quiet, 17.6 µs (and the float class
    /// 29.5 instead of 57-77). A class built by <c>dotnet build</c> into its own process has no such tail.</remarks>
    private static void SettleJit(IReadOnlyList<BenchTarget> targets, float[] window, float[][] outputs)
    {
        long deadline = Stopwatch.GetTimestamp() + 6 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            long round = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 5;
            while (Stopwatch.GetTimestamp() < round)
                for (int t = 0; t < targets.Count; t++) targets[t].Infer(window, outputs[t]);
            if (System.Runtime.JitInfo.GetCompiledMethodCount() == compiled) return;
        }
    }

    private static double Micro(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
