namespace EdgeToken.Agent.Pipelines;

/// <summary>What the agent must know about a generated pipeline class: its constants and a version.</summary>
/// <param name="Samples">The raw windows the class takes: <c>new SampleWindow(X.Channels, X.Window, X.Hop)</c>.
/// Null for a model built on the bearing front-end's features (its input is then <see cref="FeatureInputLength"/>).</param>
/// <param name="OutputLength">The class's <c>OutputLength</c>: 1 for an anomaly score, the label count for classes.</param>
/// <param name="Version">Reported in heartbeats: the model's hash or the application's build.</param>
/// <param name="FeatureInputLength">Only when <paramref name="Samples"/> is null: the class's <c>InputLength</c>.</param>
public sealed record GeneratedPipelineShape(SampleWindow? Samples, int OutputLength, string Version, int FeatureInputLength = 0)
{
    public int InputLength => Samples?.Values ?? FeatureInputLength;
}
