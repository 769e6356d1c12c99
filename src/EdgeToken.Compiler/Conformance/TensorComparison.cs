using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Conformance;

/// <summary>Element-wise comparison with ONNX's backend-test rule |actual − expected| ≤ atol + rtol·|expected|
/// for floating point, exact equality for integers and booleans.</summary>
public static class TensorComparison
{
    public const double DefaultRtol = 1e-3;
    public const double DefaultAtol = 1e-7;

    /// <returns>null when equal within tolerance, else a description of the first mismatch.</returns>
    public static string? Compare(ConstantTensor expected, ElementType actualType, int[] actualDims, ReadOnlySpan<byte> actualBytes,
        double rtol = DefaultRtol, double atol = DefaultAtol)
    {
        if (expected.Type != actualType) return $"type {actualType.OnnxName()}, expected {expected.Type.OnnxName()}";
        if (!expected.Dims.AsSpan().SequenceEqual(actualDims)) return $"shape {Shape.Format(actualDims)}, expected {Shape.Format(expected.Dims)}";
        var actual = new ConstantTensor(actualType, actualDims, actualBytes.ToArray());
        bool floating = expected.Type.IsFloatingPoint();
        long count = expected.ElementCount;
        for (int i = 0; i < count; i++)
        {
            double e = expected.ElementAsDouble(i), a = actual.ElementAsDouble(i);
            if (floating)
            {
                if (double.IsNaN(e) && double.IsNaN(a)) continue;
                if (double.IsInfinity(e) && e == a) continue;
                if (Math.Abs(a - e) <= atol + rtol * Math.Abs(e)) continue;
            }
            else if (a == e)
            {
                continue;
            }
            return $"element {i}: {a}, expected {e} (|diff| {Math.Abs(a - e):G3})";
        }
        return null;
    }
}
