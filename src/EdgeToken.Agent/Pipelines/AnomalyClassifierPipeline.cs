using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Agent.Pipelines;

/// <summary>
/// A fault classifier (an .etplan whose first output is class probabilities, class 0 healthy) read as an
/// anomaly detector: the score is 1 − p(healthy), and a fault class is reported only when that score reaches
/// the threshold (otherwise class 0). So the summaries chart the anomaly score, the debounce acts on the
/// threshold, and the class histogram still says which fault it looks like.
/// </summary>
/// <remarks>
/// <see cref="PlanPipeline"/> on the same plan reports the top class whenever it beats healthy, which is the
/// same decision at a threshold of 0.5 only for two classes; with five, a window can be 40 % healthy and still
/// have a fault class on top.
/// </remarks>
public sealed class AnomalyClassifierPipeline : IPipeline
{
    private readonly PlanExecutor _executor;
    private readonly float _threshold;

    public AnomalyClassifierPipeline(Plan plan, string version, double threshold)
    {
        _executor = new PlanExecutor(plan);
        _threshold = (float)threshold;
        Version = version;
        InputLength = _executor.Input<float>(0).Length;
        ClassCount = _executor.Output<float>(0).Length;
        if (ClassCount < 2) throw new ArgumentException($"an anomaly classifier needs class probabilities (at least 2 outputs, class 0 healthy); the plan's first output has {ClassCount}", nameof(plan));
    }

    public string Version { get; }
    public int InputLength { get; }
    public int ClassCount { get; }

    public float Infer(ReadOnlySpan<float> features, out int classIndex)
    {
        features.CopyTo(_executor.Input<float>(0));
        _executor.Run();
        var p = _executor.Output<float>(0);
        float anomaly = 1 - p[0];
        classIndex = 0;
        if (anomaly >= _threshold)
        {
            classIndex = 1;
            for (int i = 2; i < p.Length; i++) if (p[i] > p[classIndex]) classIndex = i;
        }
        return anomaly;
    }
}
