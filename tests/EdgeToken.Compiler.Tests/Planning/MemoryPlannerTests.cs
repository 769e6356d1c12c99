using EdgeToken.Compiler.Planning;

namespace EdgeToken.Compiler.Tests.Planning;

public class MemoryPlannerTests
{
    [Fact]
    public void Buffers_with_overlapping_lifetimes_never_share_bytes()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var buffers = Enumerable.Range(0, rng.Next(1, 30)).Select(_ =>
            {
                int first = rng.Next(-1, 20);
                return new ArenaBuffer(rng.Next(0, 5000), first, first + rng.Next(0, 8));
            }).ToList();
            long arena = MemoryPlanner.Place(buffers);
            foreach (var a in buffers)
            {
                Assert.True(a.Offset >= 0 && a.Offset % MemoryPlanner.Alignment == 0);
                Assert.True(a.Offset + a.Bytes <= arena);
                foreach (var b in buffers)
                {
                    if (ReferenceEquals(a, b) || !a.Overlaps(b) || a.Bytes == 0 || b.Bytes == 0) continue;
                    bool disjoint = a.Offset + a.Bytes <= b.Offset || b.Offset + b.Bytes <= a.Offset;
                    Assert.True(disjoint, $"trial {trial}: live buffers overlap in memory");
                }
            }
            Assert.True(arena >= MemoryPlanner.LowerBound(buffers));
        }
    }

    [Fact]
    public void A_chain_reuses_memory_and_reaches_the_lower_bound()
    {
        // x0 -> x1 -> ... -> x9, each 1 KiB, each read only by the next step: two buffers suffice.
        var buffers = Enumerable.Range(0, 10).Select(i => new ArenaBuffer(1024, i, i + 1)).ToList();
        long arena = MemoryPlanner.Place(buffers);
        Assert.Equal(2048, arena);
        Assert.Equal(MemoryPlanner.LowerBound(buffers), arena);
    }
}
