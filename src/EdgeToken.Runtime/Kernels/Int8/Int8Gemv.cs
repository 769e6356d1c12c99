namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>One row of <c>EdgeToken.QGemm</c> (M = 1, a window through a quantized dense layer) on plain spans:
/// <c>y[n] = clamp(zero_point + round((Σ_k x[k] · w[n, k] + bias[n]) · scale[n]), min, max)</c>, the scales given as the
/// quantizer's <c>multipliers</c> and <c>shifts</c> (one per output channel, or one). This is what the generated class calls
/// directly, on the arena and its static weights: no kernel object, no <see cref="FixedPointMultiplier"/> array, so the
/// multipliers can be RVA data in the consumer's assembly.</summary>
/// <remarks>The dot products are <see cref="Int8Gemm"/>'s (every SIMD path, all giving the same int32 sums), so the
/// result is bit for bit the QGemm kernel's. The accumulators span holds the N int32 sums between the two
/// passes: keeping the product loop free of the 64-bit requantization arithmetic lets it stay in vector registers.</remarks>
public static partial class Int8Gemv
{
    /// <summary>On the best path of this machine (<see cref="Int8Paths.Best"/>).</summary>
    public static void Run(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers,
        ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<int> accumulators, Span<sbyte> y) =>
        Run(Int8Paths.Best, x, w, bias, multipliers, shifts, zeroPoint, min, max, accumulators, y);

    /// <summary>The reference every path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers,
        ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<int> accumulators, Span<sbyte> y) =>
        Run(Int8Path.Scalar, x, w, bias, multipliers, shifts, zeroPoint, min, max, accumulators, y);

    /// <summary>On a chosen path (tests run each one); throws when this machine cannot run it. K is x's length, N is y's.</summary>
    public static void Run(Int8Path path, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers,
        ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<int> accumulators, Span<sbyte> y)
    {
        int n = y.Length;
        if (accumulators.Length < n) throw new ArgumentException($"int8 GEMV with {n} outputs needs {n} accumulators, got {accumulators.Length}");
        var acc = accumulators.Slice(0, n);
        Int8Gemm.Run(path, x, w, acc, 1, x.Length, n);
        Requantize.Row(acc, bias, multipliers, shifts, zeroPoint, min, max, y);
    }
}
