using System.Numerics.Tensors;

namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Orthonormal DCT-II, keeping the first <see cref="OutputCount"/> coefficients:
/// y[k] = s_k · Σ x[n]·cos(π/N·(n + ½)·k), s_0 = √(1/N), s_k = √(2/N).
/// </summary>
/// <remarks>
/// For MFCC sizes (tens of inputs, ~13 outputs) a precomputed cosine matrix and one dot product
/// per coefficient beats an FFT-based DCT; the table is N·K floats.
/// </remarks>
public sealed class Dct2
{
    private readonly float[][] _basis;

    /// <summary>Creates a DCT-II of <paramref name="inputLength"/> points keeping <paramref name="outputCount"/> coefficients.</summary>
    public Dct2(int inputLength, int outputCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputCount, inputLength);
        InputLength = inputLength;
        _basis = new float[outputCount][];
        for (int k = 0; k < outputCount; k++)
        {
            double scale = Math.Sqrt((k == 0 ? 1.0 : 2.0) / inputLength);
            _basis[k] = new float[inputLength];
            for (int n = 0; n < inputLength; n++)
            {
                _basis[k][n] = (float)(scale * Math.Cos(Math.PI / inputLength * (n + 0.5) * k));
            }
        }
    }

    /// <summary>Input length N.</summary>
    public int InputLength { get; }

    /// <summary>Coefficients produced.</summary>
    public int OutputCount => _basis.Length;

    /// <summary>Transforms <paramref name="source"/> into <see cref="OutputCount"/> coefficients.</summary>
    public void Transform(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != InputLength || destination.Length < OutputCount)
        {
            throw new ArgumentException($"DCT-II is {InputLength} -> {OutputCount}; got source {source.Length}, destination {destination.Length}.");
        }

        for (int k = 0; k < _basis.Length; k++)
        {
            destination[k] = TensorPrimitives.Dot(source, _basis[k]);
        }
    }
}
