using EdgeToken.Agent.Pipelines;

namespace EdgeToken.Agent.Hosting;

/// <summary>Pipeline classes an application brings (generated pipelines), by the name agent.json uses in
/// <c>"type"</c>. A factory, not reflection, so the agent stays trimming and NativeAOT safe. Each pipeline
/// thread gets its own instance from the factory.</summary>
public sealed class PipelineRegistry
{
    private readonly Dictionary<string, (Func<IPipeline> Create, int Classes)> _factories = new(StringComparer.Ordinal);

    /// <param name="classes">Output classes for classifiers (1 for a score).</param>
    public PipelineRegistry Add(string type, Func<IPipeline> create, int classes = 1)
    {
        _factories[type] = (create, classes);
        return this;
    }

    /// <summary>
    /// A generated pipeline class through its <c>Infer(ReadOnlySpan&lt;float&gt;, Span&lt;float&gt;)</c>, e.g.
    /// <c>AddGenerated("BearingClassifier", () =&gt; new BearingClassifier().Infer, new(new SampleWindow(BearingClassifier.Channels,
    /// BearingClassifier.Window, BearingClassifier.Hop), BearingClassifier.OutputLength, "v3"))</c>.
    /// </summary>
    public PipelineRegistry AddGenerated(string type, Func<InferWindow> create, GeneratedPipelineShape shape) =>
        Add(type, () => new GeneratedPipeline(create(), shape), shape.OutputLength);

    /// <summary>A generated pipeline class the application declared as <see cref="IGeneratedModel"/>
    /// (<c>public sealed partial class BearingClassifier : IGeneratedModel;</c>).</summary>
    public PipelineRegistry AddGenerated<TModel>(string type, Func<TModel> create, GeneratedPipelineShape shape) where TModel : IGeneratedModel =>
        AddGenerated(type, () => create().Infer, shape);

    public bool Contains(string type) => _factories.ContainsKey(type);

    internal (IPipeline Pipeline, int Classes) Create(string type) => (_factories[type].Create(), _factories[type].Classes);
}
