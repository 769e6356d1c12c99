using System.Numerics.Tensors;

namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Per-feature standardisation <c>(x − mean) / std</c> with statistics fixed at training time,
/// so the device feeds the model exactly the scaling it was trained on.
/// </summary>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _inverseStd;

    /// <summary>Creates a standardiser from training means and standard deviations.</summary>
    /// <remarks>A zero standard deviation (a constant feature) maps to 0 instead of dividing by zero.</remarks>
    public Standardizer(ReadOnlySpan<float> mean, ReadOnlySpan<float> standardDeviation)
    {
        if (mean.Length != standardDeviation.Length)
        {
            throw new ArgumentException($"Got {mean.Length} means but {standardDeviation.Length} standard deviations.");
        }

        _mean = mean.ToArray();
        _inverseStd = new float[mean.Length];
        for (int i = 0; i < mean.Length; i++)
        {
            _inverseStd[i] = standardDeviation[i] > 0 ? 1f / standardDeviation[i] : 0f;
        }
    }

    /// <summary>Number of features.</summary>
    public int Length => _mean.Length;

    /// <summary>Writes the standardised features to <paramref name="destination"/> (may alias <paramref name="source"/>).</summary>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != _mean.Length)
        {
            throw new ArgumentException($"Standardizer has {_mean.Length} features; got {source.Length}.", nameof(source));
        }

        TensorPrimitives.Subtract(source, _mean, destination);
        TensorPrimitives.Multiply(destination[.._mean.Length], _inverseStd, destination);
    }

    /// <summary>Standardises one block by its own mean and (population) standard deviation.</summary>
    public static void ApplyBlock(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.IsEmpty)
        {
            return;
        }

        float mean = TensorPrimitives.Sum(source) / source.Length;
        TensorPrimitives.Subtract(source, mean, destination);
        Span<float> output = destination[..source.Length];
        float std = MathF.Sqrt(TensorPrimitives.SumOfSquares(output) / source.Length);
        TensorPrimitives.Multiply(output, std > 0 ? 1f / std : 0f, output);
    }
}
