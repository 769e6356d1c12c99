namespace EdgeToken.Generators.Tests;

/// <summary>Tests that count allocations and garbage collections run alone: collection counts are per process, so a
/// test compiling with Roslyn on another thread would otherwise show up as a collection in theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation counting";
}
