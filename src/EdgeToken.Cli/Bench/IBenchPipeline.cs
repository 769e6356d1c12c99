namespace EdgeToken.Cli.Bench;

/// <summary>What the bench calls on a generated pipeline class. The bench compiles a small adapter next to the
/// generated source that implements this by forwarding to the class's own <c>Infer(window, output)</c>.</summary>
public interface IBenchPipeline
{
    int InputLength { get; }
    int OutputLength { get; }
    void Infer(ReadOnlySpan<float> window, Span<float> output);
}
