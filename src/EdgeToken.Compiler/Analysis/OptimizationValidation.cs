using EdgeToken.Runtime.Execution;

namespace EdgeToken.Compiler.Analysis;

/// <summary>The float model against the optimised one (pruned and/or quantized) on validation samples: the output's
/// SQNR in dB and largest absolute error, and for classifiers top-1 accuracy of each (against labels when given; else
/// against the float model's own top-1, so the float model scores 100 % and the drop is the disagreement).</summary>
/// <remarks>A classifier with one output is read as a binary score with threshold 0.5 (a sigmoid wake-word or fault score).</remarks>
public sealed record OptimizationValidation(int Samples, double SqnrDb, double MaxError, double? FloatAccuracy, double? OptimisedAccuracy)
{
    public double? AccuracyDrop => FloatAccuracy - OptimisedAccuracy;

    public static OptimizationValidation Measure(CompiledModel reference, CompiledModel optimised, IReadOnlyList<float[]> samples,
        bool classifier, IReadOnlyList<int>? labels = null)
    {
        if (labels is not null && labels.Count != samples.Count)
            throw new Quantization.DataFileException($"{samples.Count} samples but {labels.Count} labels; give one class index per sample (per window of a recording)");
        var f = new PlanExecutor(reference.Plan);
        var q = new PlanExecutor(optimised.Plan);
        double signal = 0, noise = 0, worst = 0;
        int floatRight = 0, optRight = 0;
        for (int s = 0; s < samples.Count; s++)
        {
            samples[s].CopyTo(f.Input<float>(0));
            samples[s].CopyTo(q.Input<float>(0));
            f.Run();
            q.Run();
            var a = f.Output<float>(0);
            var b = q.Output<float>(0);
            for (int i = 0; i < a.Length; i++)
            {
                double d = a[i] - b[i];
                signal += (double)a[i] * a[i];
                noise += d * d;
                worst = Math.Max(worst, Math.Abs(d));
            }
            if (!classifier) continue;
            int truth = labels?[s] ?? Top1(a);
            if (Top1(a) == truth) floatRight++;
            if (Top1(b) == truth) optRight++;
        }
        double sqnr = noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
        return classifier
            ? new(samples.Count, sqnr, worst, (double)floatRight / samples.Count, (double)optRight / samples.Count)
            : new(samples.Count, sqnr, worst, null, null);
    }

    private static int Top1(ReadOnlySpan<float> scores)
    {
        if (scores.Length == 1) return scores[0] >= 0.5f ? 1 : 0;
        int best = 0;
        for (int i = 1; i < scores.Length; i++) if (scores[i] > scores[best]) best = i;
        return best;
    }
}
