namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The test that decides whether an int8 weight can go through vpmaddubsw (u8 x s8, adjacent products added
/// into a saturating int16) exactly: the kernels that use it flip x's sign bit (x + 128, so 0..255) and subtract
/// 128 · Σw once per output.</summary>
/// <remarks>With x + 128 ≤ 255, a pair's sum is at most 255 · (|wa| + |wb|), which fits int16 (32767) for every x exactly when
/// |wa| + |wb| ≤ 128 (255 · 128 = 32640; 129 already reaches 32895). 7-bit weights ([-64, 64]) always fit; 8-bit ones
/// fit when they happen to be small. This is what ONNX Runtime's <c>reduce_range</c> buys on x86 without VNNI.</remarks>
public static class U8S8Pairs
{
    /// <summary>The largest |wa| + |wb| of a pair that cannot saturate.</summary>
    public const int Bound = 128;

    /// <summary>Whether the pair (<paramref name="a"/>, <paramref name="b"/>) multiplies exactly.</summary>
    public static bool Fits(int a, int b) => Math.Abs(a) + Math.Abs(b) <= Bound;

    /// <summary>Whether every pair (w[2i], w[2i + 1]) fits: the pairs of a row-major [N, K] weight with K even, or of
    /// <see cref="Int8Gemv"/>'s packed layout (its groups of four k values keep the same pairs).</summary>
    public static bool Fit(ReadOnlySpan<sbyte> w)
    {
        if (w.Length % 2 != 0) return false;
        for (int i = 0; i < w.Length; i += 2)
            if (!Fits(w[i], w[i + 1])) return false;
        return true;
    }
}
