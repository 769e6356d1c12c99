namespace EdgeToken.Agent.Pipelines;

/// <summary>The inference method every generated pipeline class has: one window in, the model's output out.</summary>
public delegate void InferWindow(ReadOnlySpan<float> window, Span<float> output);

/// <summary>
/// A generated pipeline class, as the agent sees it. Generated classes already have this method; declare it in
/// the application to make one usable without a delegate: <c>public sealed partial class BearingClassifier : IGeneratedModel;</c>
/// </summary>
public interface IGeneratedModel
{
    /// <summary>One window of raw interleaved frames (or of features, see <see cref="GeneratedPipeline"/>) in, the model's output out.</summary>
    void Infer(ReadOnlySpan<float> window, Span<float> output);
}

/// <summary>
/// Runs an application's generated pipeline class in the agent, through its <c>Infer(ReadOnlySpan&lt;float&gt;,
/// Span&lt;float&gt;)</c>. Register it with <see cref="Hosting.PipelineRegistry.AddGenerated(string, Func{InferWindow}, GeneratedPipelineShape)"/>.
/// An output of one value is a score; several are class scores (the highest wins, class 0 is healthy).
/// </summary>
public sealed class GeneratedPipeline : IPipeline
{
    private readonly InferWindow _infer;
    private readonly float[] _output;

    public GeneratedPipeline(InferWindow infer, GeneratedPipelineShape shape)
    {
        ArgumentNullException.ThrowIfNull(infer);
        if (shape.OutputLength < 1) throw new ArgumentOutOfRangeException(nameof(shape), shape.OutputLength, "a pipeline has at least one output value");
        if (shape.InputLength < 1) throw new ArgumentOutOfRangeException(nameof(shape), shape.InputLength, "a pipeline takes at least one input value");
        _infer = infer;
        _output = new float[shape.OutputLength];
        Shape = shape;
    }

    public GeneratedPipelineShape Shape { get; }
    public string Version => Shape.Version;
    public int InputLength => Shape.InputLength;
    public SampleWindow? SampleWindow => Shape.Samples;

    public float Infer(ReadOnlySpan<float> features, out int classIndex)
    {
        _infer(features, _output);
        return ModelOutput.Decide(_output, out classIndex);
    }
}

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
