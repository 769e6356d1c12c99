using System.Numerics.Tensors;

namespace EdgeToken.Sensors.Dsp;

/// <summary>Converts raw counts to engineering units: <c>y = x * scale + offset</c>.</summary>
public static class ScaleOffset
{
    /// <summary>Writes <c>x[i] * scale + offset</c> to <paramref name="destination"/> (may alias <paramref name="source"/>).</summary>
    public static void Apply(ReadOnlySpan<float> source, float scale, float offset, Span<float> destination)
    {
        // TensorPrimitives has no (span, scalar, scalar) multiply-add; two passes over an L1-sized block cost little.
        TensorPrimitives.Multiply(source, scale, destination);
        TensorPrimitives.Add(destination[..source.Length], offset, destination);
    }
}
