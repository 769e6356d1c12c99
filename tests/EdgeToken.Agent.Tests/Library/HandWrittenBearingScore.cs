namespace EdgeToken.Agent.Tests.Library;

/// <summary>
/// Written by hand in the shape of a generated pipeline class (docs/manifest.md, "The generated class"): the
/// constants, and <c>Infer(ReadOnlySpan&lt;float&gt; window, Span&lt;float&gt; output)</c> over one window of raw
/// interleaved frames. The model: the window's RMS through a sigmoid, an anomaly score. Nothing allocates after
/// construction.
/// </summary>
public sealed partial class HandWrittenBearingScore
{
    public const int Channels = 3;
    public const double SampleRate = 20480.0;
    public const int Window = 1024;
    public const int Hop = 512;
    public const int InputLength = Channels * Window;
    public const int OutputLength = 1;

    private readonly float _gain;

    public HandWrittenBearingScore(float gain = 1f) => _gain = gain;

    public long Windows { get; private set; }

    public void Infer(ReadOnlySpan<float> window, Span<float> output)
    {
        if (window.Length != InputLength) throw new ArgumentException($"window has {window.Length} values; this pipeline needs {InputLength}", nameof(window));
        double sum = 0;
        foreach (float v in window) sum += (double)v * v;
        output[0] = 1f / (1f + MathF.Exp(-_gain * (float)Math.Sqrt(sum / window.Length)));
        Windows++;
    }
}

/// <summary>What an application writes beside a generated class to hand it to the agent without a delegate.</summary>
public sealed partial class HandWrittenBearingScore : Pipelines.IGeneratedModel;
