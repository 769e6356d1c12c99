namespace EdgeToken.Agent.Pipelines;

/// <summary>
/// A pipeline that takes raw samples rather than the bearing front-end's features, as generated pipeline
/// classes do (they scale and preprocess the window themselves): <paramref name="Frames"/> frames of
/// <paramref name="Channels"/> interleaved values, oldest first, a new window every <paramref name="Hop"/> frames.
/// For a generated class: <c>new SampleWindow(X.Channels, X.Window, X.Hop)</c>.
/// </summary>
public readonly record struct SampleWindow(int Channels, int Frames, int Hop)
{
    public int Values => Channels * Frames;
}
