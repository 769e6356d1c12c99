using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Agent.Pipelines;

/// <summary>
/// What turns a pipeline's stream of interleaved samples into the windows its model takes: the bearing
/// front-end's features (<see cref="FrontEndWindowing"/>) or raw sample windows (<see cref="SampleWindower"/>),
/// as <see cref="IPipeline.SampleWindow"/> says.
/// </summary>
internal interface IWindowing
{
    /// <summary>Values in one window handed to <see cref="IPipeline.Infer"/>.</summary>
    int WindowValues { get; }

    /// <summary>New sample instants between consecutive windows.</summary>
    int Hop { get; }

    int ChannelCount { get; }

    /// <summary>Same contract as <see cref="BearingFrontEnd.Process"/>: windows written one after another into
    /// <paramref name="windows"/>; stops early, without losing input, when there is no room for another.</summary>
    FrontEndProgress Process(ReadOnlySpan<float> interleaved, Span<float> windows);
}
