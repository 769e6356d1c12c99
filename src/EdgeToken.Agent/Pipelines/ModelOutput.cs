namespace EdgeToken.Agent.Pipelines;

/// <summary>How the agent reads a model's output, whatever ran it: one value is a score, several are class
/// scores and the highest wins (its index is the class; class 0 is "healthy" by convention).</summary>
internal static class ModelOutput
{
    public static float Decide(ReadOnlySpan<float> output, out int classIndex)
    {
        if (output.Length == 1) { classIndex = -1; return output[0]; }
        classIndex = 0;
        for (int i = 1; i < output.Length; i++) if (output[i] > output[classIndex]) classIndex = i;
        return output[classIndex];
    }
}
