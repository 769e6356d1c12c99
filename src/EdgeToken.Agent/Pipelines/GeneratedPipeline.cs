namespace EdgeToken.Agent.Pipelines;

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
