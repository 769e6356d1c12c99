using EdgeToken.Agent.Pipelines;

namespace EdgeToken.Agent.Hosting;

/// <summary>Pipeline classes an application brings (generated pipelines), by the name agent.json uses in
/// <c>"type"</c>. A factory, not reflection, so the agent stays trimming and NativeAOT safe.</summary>
public sealed class PipelineRegistry
{
    private readonly Dictionary<string, (Func<IPipeline> Create, int Classes)> _factories = new(StringComparer.Ordinal);

    /// <param name="classes">Output classes for classifiers (1 for a score).</param>
    public PipelineRegistry Add(string type, Func<IPipeline> create, int classes = 1)
    {
        _factories[type] = (create, classes);
        return this;
    }

    public bool Contains(string type) => _factories.ContainsKey(type);

    internal (IPipeline Pipeline, int Classes) Create(string type) => (_factories[type].Create(), _factories[type].Classes);
}
