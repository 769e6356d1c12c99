namespace EdgeToken.Agent.Pipelines;

/// <summary>
/// What the agent runs on every window: an .etplan through the plan executor (<see cref="PlanPipeline"/>) or an
/// application's generated pipeline class (<see cref="GeneratedPipeline"/>). One instance belongs to one thread.
/// </summary>
public interface IPipeline
{
    /// <summary>Reported in heartbeats, so the fleet knows which model runs where (a plan's SHA-256 prefix, a generated class's model hash).</summary>
    string Version { get; }

    /// <summary>Values per window the pipeline expects: the bearing front-end's feature count, or
    /// <see cref="SampleWindow"/>'s values.</summary>
    int InputLength { get; }

    /// <summary>Null (the default): the pipeline takes the bearing front-end's features. Otherwise it takes raw
    /// sample windows of this shape, which the agent cuts from the source without the front-end.</summary>
    SampleWindow? SampleWindow => null;

    /// <summary>Runs one window. Returns the score (an anomaly score, or the top class's probability);
    /// <paramref name="classIndex"/> is the winning class for classifiers, -1 otherwise. Must not allocate.</summary>
    float Infer(ReadOnlySpan<float> features, out int classIndex);
}
