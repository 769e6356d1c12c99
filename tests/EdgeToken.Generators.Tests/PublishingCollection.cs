namespace EdgeToken.Generators.Tests;

/// <summary>Tests that run `dotnet pack` or `dotnet publish` on the repository's projects run one after the other: a
/// publish for another runtime identifier restores, and so rewrites, the obj/ of the projects a pack is building.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishingCollection
{
    public const string Name = "Publishing";
}
