namespace EdgeToken.Compiler;

/// <summary>A model file EdgeToken cannot load. The message names the file and the problem; the CLI prints
/// it and exits with code 2, never with a stack trace.</summary>
public sealed class ModelLoadException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
