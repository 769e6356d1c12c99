using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Agent.Sources;

/// <summary>A running sensor that feeds frames into one ring per pipeline bound to it.</summary>
public interface ISensorSource
{
    string Name { get; }
    double SampleRateHz { get; }
    int ChannelCount { get; }

    /// <summary>Totals since start; summaries report the difference per interval.</summary>
    SourceHealth Health { get; }

    /// <summary>A ring for one more consumer. Lossless rings block the source when full (benchmarks, replay
    /// flat out); the others drop their oldest frame and count it.</summary>
    FrameRing Subscribe(bool lossless);

    void Start();
    void Stop();
}
