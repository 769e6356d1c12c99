using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Agent.Pipelines;

/// <summary>The bearing front-end's feature vectors, one per window.</summary>
internal sealed class FrontEndWindowing(BearingFrontEnd frontEnd) : IWindowing
{
    public int WindowValues => frontEnd.FeatureCount;
    public int Hop => frontEnd.Options.Hop;
    public int ChannelCount => frontEnd.Options.ChannelCount;
    public FrontEndProgress Process(ReadOnlySpan<float> interleaved, Span<float> windows) => frontEnd.Process(interleaved, windows);
}
