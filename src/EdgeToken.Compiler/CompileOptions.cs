namespace EdgeToken.Compiler;

/// <summary>How to compile one model.</summary>
public sealed class CompileOptions
{
    /// <summary>Sizes for dynamic dimensions, by symbol ("batch") or by "input:index".</summary>
    public IReadOnlyDictionary<string, int> Bindings { get; init; } = new Dictionary<string, int>();

    /// <summary>False compiles the graph as imported (the reference the passes are checked against).</summary>
    public bool Optimize { get; init; } = true;

    /// <summary>Pass names to leave out ("activation-fusion", ...).</summary>
    public ISet<string> DisabledPasses { get; init; } = new HashSet<string>();
}
