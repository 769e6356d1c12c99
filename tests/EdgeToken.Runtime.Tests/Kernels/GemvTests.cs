using EdgeToken.Runtime.Kernels.Linear;

namespace EdgeToken.Runtime.Tests.Kernels;

/// <summary>Gemv (the generated pipelines' one-row dense layer) against its scalar reference, over enough widths that
/// every path runs: 4×Vector256 blocks, single Vector256, 2×Vector128, single Vector128 and the scalar tail.</summary>
public class GemvTests
{
    [Fact]
    public void Row_major_KN_matches_the_scalar_reference_for_every_width_and_tail()
    {
        foreach (int k in new[] { 0, 1, 3, 17, 64 })
            for (int n = 0; n <= 70; n++)
                Check(k, n, transposed: false);
    }

    [Fact]
    public void Row_major_NK_matches_the_scalar_reference_for_every_width_and_tail()
    {
        foreach (int k in new[] { 0, 1, 3, 17, 64 })
            for (int n = 0; n <= 40; n++)
                Check(k, n, transposed: true);
    }

    private static void Check(int k, int n, bool transposed)
    {
        var x = KernelAssert.Random(k, seed: k * 1000 + n, scale: 2f);
        var w = KernelAssert.Random(k * n, seed: k * 1000 + n + 1, scale: 0.5f);
        var bias = KernelAssert.Random(n, seed: k * 1000 + n + 2, scale: 1f);
        foreach (var b in new[] { bias, Array.Empty<float>() })
        {
            var expected = new float[n];
            var actual = new float[n];
            if (transposed) { Gemv.ScalarNK(x, w, b, expected); Gemv.RunNK(x, w, b, actual); }
            else { Gemv.ScalarKN(x, w, b, expected); Gemv.RunKN(x, w, b, actual); }
            // Sums of k products in another order: tolerance grows with k and the magnitudes summed.
            KernelAssert.Close(expected, actual, rtol: 1e-5f * Math.Max(1, k), atol: 1e-5f * Math.Max(1, k));
        }
    }

    [Fact]
    public void Allocates_nothing()
    {
        var x = KernelAssert.Random(64, seed: 1, scale: 1f);
        var w = KernelAssert.Random(64 * 128, seed: 2, scale: 1f);
        var b = KernelAssert.Random(128, seed: 3, scale: 1f);
        var y = new float[128];
        Gemv.RunKN(x, w, b, y);
        Gemv.RunNK(x, w, b, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) { Gemv.RunKN(x, w, b, y); Gemv.RunNK(x, w, b, y); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
