namespace EdgeToken.Runtime.Tests.Kernels;

/// <summary>Comparisons for kernel tests: tolerances scale with the magnitude of the reference.</summary>
internal static class KernelAssert
{
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float rtol = 1e-5f, float atol = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e)) { Assert.True(float.IsNaN(a), $"element {i}: expected NaN, got {a}"); continue; }
            if (float.IsInfinity(e)) { Assert.Equal(e, a); continue; }
            float tol = atol + rtol * Math.Abs(e);
            Assert.True(Math.Abs(e - a) <= tol, $"element {i}: expected {e}, got {a} (tolerance {tol})");
        }
    }

    public static float[] Random(int length, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var v = new float[length];
        for (int i = 0; i < length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return v;
    }
}
