namespace EdgeToken.Agent.Pipelines;

/// <summary>
/// What the agent runs on every window of features: an .etplan through the plan executor
/// (<see cref="PlanPipeline"/>) or a generated pipeline class. One instance belongs to one thread.
/// </summary>
public interface IPipeline
{
    /// <summary>Reported in heartbeats, so the fleet knows which model runs where (a plan's SHA-256 prefix, a generated class's model hash).</summary>
    string Version { get; }

    /// <summary>Features per window the pipeline expects.</summary>
    int InputLength { get; }

    /// <summary>Runs one window. Returns the score (an anomaly score, or the top class's probability);
    /// <paramref name="classIndex"/> is the winning class for classifiers, -1 otherwise. Must not allocate.</summary>
    float Infer(ReadOnlySpan<float> features, out int classIndex);
}
