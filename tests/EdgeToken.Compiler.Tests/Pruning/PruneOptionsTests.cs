using System.Reflection;
using EdgeToken.Compiler.Pruning;
using Xunit;

namespace EdgeToken.Compiler.Tests.Pruning;

public class PruneOptionsTests
{
    [Fact]
    public void WithSparseKernels_CopiesEveryOtherOption()
    {
        var original = new PruneOptions
        {
            Sparsity = 0.7, Pattern = PruningPattern.NM, Scope = PruningScope.Global, N = 1, M = 4, Panel = 3, ConvPanel = 24, Channels = 0.25,
            SparseKernels = true, Exclude = new HashSet<string> { "fc" },
        };
        var copy = original.WithSparseKernels(false);

        Assert.False(copy.SparseKernels);
        Assert.True(original.SparseKernels);
        // Every public property but the one changed, so an option added later cannot be dropped by the QDQ export's recompile.
        foreach (var p in typeof(PruneOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != nameof(PruneOptions.SparseKernels)))
            Assert.Equal(p.GetValue(original), p.GetValue(copy));
    }
}
