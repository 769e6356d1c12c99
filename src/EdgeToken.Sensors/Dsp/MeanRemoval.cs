using System.Numerics.Tensors;

namespace EdgeToken.Sensors.Dsp;

/// <summary>Removes the DC component (sensor bias, gravity on an axis) from a block.</summary>
public static class MeanRemoval
{
    /// <summary>Writes <c>x - mean(x)</c> to <paramref name="destination"/> (may alias <paramref name="source"/>) and returns the mean.</summary>
    public static float Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.IsEmpty)
        {
            return 0f;
        }

        float mean = TensorPrimitives.Sum(source) / source.Length;
        TensorPrimitives.Subtract(source, mean, destination);
        return mean;
    }
}
