using System.Diagnostics;
using EdgeToken.Compiler.Analysis;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Runtime.Execution;

namespace EdgeToken.Cli.Bench;

/// <summary>One step of a plan, timed alone: its median over the profiled runs and its share of their sum. MACs are the
/// float layer's (dense) count, 0 for steps that multiply nothing. In an optimised variant, <see cref="FloatP50Microseconds"/>
/// is the median of the float step it replaced (the same name, or the name without <c>_int8</c>) in the same run, so
/// <see cref="SpeedupOverFloat"/> is the layer's own ratio; both null for the float variant and for steps with no float
/// counterpart (a quantize or dequantize at a boundary). <see cref="Kernel"/>: which kernel the step ran where its operator
/// has several (the int8 convolutions: channel lanes, shifted rows, depthwise or GEMM, and the path), else null.</summary>
public sealed record LayerFigures(int Index, string Step, string OpType, string Output, long Macs, double P50Microseconds, double Share,
    double? FloatP50Microseconds = null, string? Kernel = null)
{
    public double? SpeedupOverFloat => FloatP50Microseconds is { } f && P50Microseconds > 0 ? f / P50Microseconds : null;
}

/// <summary>The layers of one compiled variant (float, int8, int8 N:M), timed step by step.</summary>
public sealed record LayerProfileFigures(string Variant, int Runs, double SumOfP50Microseconds, LayerFigures[] Layers);

/// <summary>
/// <c>bench --layers</c>: which layer costs what. Each variant's plan runs in a <see cref="PlanExecutor"/>, one step at a
/// time with a timestamp around each, the variants interleaved run by run like the whole-model targets. The generated
/// class calls the same kernels without the per-step dispatch, so its layers cost about the same; the sum of the medians
/// is close to, not equal to, the executor's whole-run p50 (the timestamps add ~20-40 ns per step).
/// </summary>
internal static class LayerProfile
{
    public static LayerProfileFigures[] Run(IReadOnlyList<(string Variant, ManifestCompilation Compilation)> variants, ReadOnlySpan<float> window, double seconds)
    {
        var executors = variants.Select(v => new PlanExecutor(v.Compilation.Model.Plan)).ToArray();
        // Warm-up, and the per-run estimate for the budget.
        long start = Stopwatch.GetTimestamp();
        int warm = 0;
        while (warm < 50 || (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.5 && warm < 20_000))
        {
            for (int v = 0; v < variants.Count; v++) RunOnce(variants[v].Compilation, executors[v], window, null, 0);
            warm++;
        }
        double perRound = Stopwatch.GetElapsedTime(start).TotalSeconds / warm;
        int runs = (int)Math.Clamp(seconds / perRound, 100, 100_000);

        var samples = executors.Select(e => new long[e.StepCount, runs]).ToArray();
        for (int i = 0; i < runs; i++)
            for (int v = 0; v < variants.Count; v++)
                RunOnce(variants[v].Compilation, executors[v], window, samples[v], i);

        // MACs from the first (float) variant's graph: an int8 step is named after the float node it replaced
        // (Conv_1 -> Conv_1_int8), and a pruned layer is counted dense.
        var macs = variants[0].Compilation.Model.Graph.Nodes.GroupBy(n => n.Name).ToDictionary(g => g.Key, g => MacCounter.Count(g.First()));
        var result = new LayerProfileFigures[variants.Count];
        for (int v = 0; v < variants.Count; v++)
            result[v] = Figures(variants[v].Variant, variants[v].Compilation.Model.Plan, macs, samples[v], runs, executors[v]);
        // Each optimised layer beside the float layer it replaced (the first variant is the float one).
        var floatSteps = result[0].Layers.GroupBy(l => l.Step).ToDictionary(g => g.Key, g => g.First().P50Microseconds);
        for (int v = 1; v < result.Length; v++)
            result[v] = result[v] with { Layers = result[v].Layers.Select(l => l with { FloatP50Microseconds = Counterpart(floatSteps, l.Step) }).ToArray() };
        return result;
    }

    private static double? Counterpart(Dictionary<string, double> floatSteps, string step)
    {
        if (floatSteps.TryGetValue(step, out double p50)) return p50;
        return step.EndsWith("_int8", StringComparison.Ordinal) && floatSteps.TryGetValue(step[..^"_int8".Length], out p50) ? p50 : null;
    }

    private static void RunOnce(ManifestCompilation compilation, PlanExecutor executor, ReadOnlySpan<float> window, long[,]? samples, int run)
    {
        compilation.Preprocess.Apply(window, executor.Input<float>(0), compilation.Manifest.Input.Window, compilation.Manifest.Input.Layout);
        for (int s = 0; s < executor.StepCount; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            executor.RunStep(s);
            if (samples is not null) samples[s, run] = Stopwatch.GetTimestamp() - t0;
        }
    }

    private static LayerProfileFigures Figures(string variant, EdgeToken.Runtime.Plans.Plan plan, Dictionary<string, long> macs, long[,] samples, int runs,
        PlanExecutor executor)
    {
        var medians = new double[plan.Steps.Length];
        var row = new long[runs];
        for (int s = 0; s < medians.Length; s++)
        {
            for (int i = 0; i < runs; i++) row[i] = samples[s, i];
            Array.Sort(row);
            medians[s] = row[runs / 2] * 1e6 / Stopwatch.Frequency;
        }
        double sum = medians.Sum();
        var layers = new LayerFigures[medians.Length];
        for (int s = 0; s < medians.Length; s++)
        {
            var step = plan.Steps[s];
            string output = step.Outputs.Length > 0 && step.Outputs[0] >= 0 ? plan.Tensors[step.Outputs[0]].Info.ToString() : "-";
            layers[s] = new LayerFigures(s, step.Name, step.OpType, output, Macs(macs, step.Name), medians[s], sum > 0 ? medians[s] / sum : 0,
                Kernel: executor.StepKernel(s));
        }
        return new LayerProfileFigures(variant, runs, sum, layers);
    }

    private static long Macs(Dictionary<string, long> macs, string step)
    {
        if (macs.TryGetValue(step, out long n)) return n;
        return step.EndsWith("_int8", StringComparison.Ordinal) && macs.TryGetValue(step[..^"_int8".Length], out n) ? n : 0;
    }
}
