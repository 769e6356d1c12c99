using System.Security.Cryptography;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Agent.Pipelines;

/// <summary>An .etplan run by the <see cref="PlanExecutor"/>: input 0 takes the features; an output of one
/// value is a score, a longer one is class probabilities (the highest wins).</summary>
public sealed class PlanPipeline : IPipeline
{
    private readonly PlanExecutor _executor;

    public PlanPipeline(Plan plan, string version)
    {
        _executor = new PlanExecutor(plan);
        Version = version;
        InputLength = _executor.Input<float>(0).Length;
        OutputLength = _executor.Output<float>(0).Length;
    }

    public static PlanPipeline Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return new PlanPipeline(PlanFile.Read(bytes), Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
    }

    public string Version { get; }
    public int InputLength { get; }
    public int OutputLength { get; }

    public float Infer(ReadOnlySpan<float> features, out int classIndex)
    {
        features.CopyTo(_executor.Input<float>(0));
        _executor.Run();
        return ModelOutput.Decide(_executor.Output<float>(0), out classIndex);
    }
}
