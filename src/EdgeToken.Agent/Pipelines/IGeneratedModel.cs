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
