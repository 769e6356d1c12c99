using System.Numerics.Tensors;

namespace EdgeToken.Sensors.Dsp;

/// <summary>A precomputed analysis window of fixed length, applied by one vectorised multiply.</summary>
public sealed class Window
{
    private readonly float[] _coefficients;

    /// <summary>Builds the periodic <paramref name="kind"/> window of <paramref name="length"/> samples.</summary>
    public Window(WindowKind kind, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Kind = kind;
        _coefficients = new float[length];
        double sum = 0;
        double energy = 0;
        for (int n = 0; n < length; n++)
        {
            double phase = 2 * Math.PI * n / length;
            double w = kind switch
            {
                WindowKind.Hann => 0.5 - (0.5 * Math.Cos(phase)),
                WindowKind.Hamming => 0.54 - (0.46 * Math.Cos(phase)),
                WindowKind.Blackman => 0.42 - (0.5 * Math.Cos(phase)) + (0.08 * Math.Cos(2 * phase)),
                _ => 1.0,
            };
            _coefficients[n] = (float)w;
            sum += w;
            energy += w * w;
        }

        CoherentGain = sum / length;
        EnergyGain = energy / length;
    }

    /// <summary>Window shape.</summary>
    public WindowKind Kind { get; }

    /// <summary>Window length.</summary>
    public int Length => _coefficients.Length;

    /// <summary>The coefficients.</summary>
    public ReadOnlySpan<float> Coefficients => _coefficients;

    /// <summary>Mean of the coefficients; divide amplitude spectra by it to read tone amplitudes.</summary>
    public double CoherentGain { get; }

    /// <summary>Mean of the squared coefficients; divide power spectra by it to read broadband power.</summary>
    public double EnergyGain { get; }

    /// <summary>Writes <c>x[n]·w[n]</c> to <paramref name="destination"/> (may alias <paramref name="source"/>).</summary>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != _coefficients.Length)
        {
            throw new ArgumentException($"{Kind} window has {_coefficients.Length} coefficients but the block has {source.Length} samples.", nameof(source));
        }

        TensorPrimitives.Multiply(source, _coefficients, destination);
    }
}
