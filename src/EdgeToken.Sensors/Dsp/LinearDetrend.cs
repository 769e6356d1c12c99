using System.Numerics.Tensors;

namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Removes the least-squares straight line from a block of fixed length (thermal drift of a
/// MEMS accelerometer, slow load changes), which would otherwise leak into the lowest FFT bins.
/// </summary>
/// <remarks>
/// The abscissa is centred, <c>r[i] = i - (n-1)/2</c>, so that the slope and the mean decouple:
/// slope = Σ r·x / Σ r² and intercept = mean(x). The ramp and Σ r² are precomputed, so a block
/// costs one sum, one dot product and one fused multiply-add pass.
/// </remarks>
public sealed class LinearDetrend
{
    private readonly float[] _ramp;
    private readonly double _rampEnergy;

    /// <summary>Creates a detrender for blocks of <paramref name="length"/> samples.</summary>
    public LinearDetrend(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        _ramp = new float[length];
        double centre = (length - 1) / 2.0;
        double energy = 0;
        for (int i = 0; i < length; i++)
        {
            double r = i - centre;
            _ramp[i] = (float)r;
            energy += r * r;
        }

        _rampEnergy = energy;
    }

    /// <summary>Block length this detrender was built for.</summary>
    public int Length => _ramp.Length;

    /// <summary>Writes the detrended block to <paramref name="destination"/> (may alias <paramref name="source"/>).</summary>
    /// <returns>Fitted line: value at the block centre and slope per sample.</returns>
    public (float Intercept, float Slope) Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != _ramp.Length || destination.Length < _ramp.Length)
        {
            throw new ArgumentException($"LinearDetrend was built for {_ramp.Length} samples; got source {source.Length}, destination {destination.Length}.");
        }

        float mean = TensorPrimitives.Sum(source) / source.Length;
        float slope = _rampEnergy == 0 ? 0f : (float)(TensorPrimitives.Dot(source, _ramp) / _rampEnergy);
        Span<float> output = destination[.._ramp.Length];
        TensorPrimitives.MultiplyAdd(_ramp, -slope, source, output);
        TensorPrimitives.Subtract(output, mean, output);
        return (mean, slope);
    }
}
