using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Samples.RailBearing.Evaluation;

/// <summary>The compiled model run by EdgeToken's plan executor, as the agent runs it: features in, probabilities out.</summary>
public sealed class PlanClassifier(Plan plan)
{
    private readonly PlanExecutor _executor = new(plan);

    public void Classify(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        features.CopyTo(_executor.Input<float>(0));
        _executor.Run();
        _executor.Output<float>(0).CopyTo(probabilities);
    }
}
