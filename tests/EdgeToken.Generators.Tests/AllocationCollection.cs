namespace EdgeToken.Generators.Tests;

/// <summary>Tests that assert GC.CollectionCount deltas: the counts are process-wide, so these run alone, after
/// the parallel tests, where no other test's allocations can trigger a collection during the measurement.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation-sensitive";
}
