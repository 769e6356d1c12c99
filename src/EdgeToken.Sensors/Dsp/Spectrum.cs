using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeToken.Sensors.Dsp;

/// <summary>Magnitude and power of complex bins held as split real/imaginary spans.</summary>
/// <remarks>
/// Explicit <see cref="Vector{T}"/> loops with a scalar tail; <see cref="PowerScalar"/> and
/// <see cref="MagnitudeScalar"/> are the references the tests compare against.
/// </remarks>
public static class Spectrum
{
    /// <summary>Writes <c>re² + im²</c> for each bin.</summary>
    public static void Power(ReadOnlySpan<float> real, ReadOnlySpan<float> imaginary, Span<float> destination)
    {
        int n = CheckLengths(real, imaginary, destination);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float re = ref MemoryMarshal.GetReference(real);
            ref float im = ref MemoryMarshal.GetReference(imaginary);
            ref float dst = ref MemoryMarshal.GetReference(destination);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> r = Vector.LoadUnsafe(ref re, (nuint)i);
                Vector<float> m = Vector.LoadUnsafe(ref im, (nuint)i);
                ((r * r) + (m * m)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        PowerScalar(real[i..n], imaginary[i..n], destination[i..n]);
    }

    /// <summary>Writes <c>√(re² + im²)</c> for each bin.</summary>
    public static void Magnitude(ReadOnlySpan<float> real, ReadOnlySpan<float> imaginary, Span<float> destination)
    {
        int n = CheckLengths(real, imaginary, destination);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float re = ref MemoryMarshal.GetReference(real);
            ref float im = ref MemoryMarshal.GetReference(imaginary);
            ref float dst = ref MemoryMarshal.GetReference(destination);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> r = Vector.LoadUnsafe(ref re, (nuint)i);
                Vector<float> m = Vector.LoadUnsafe(ref im, (nuint)i);
                Vector.SquareRoot((r * r) + (m * m)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        MagnitudeScalar(real[i..n], imaginary[i..n], destination[i..n]);
    }

    /// <summary>Scalar reference of <see cref="Power"/>.</summary>
    public static void PowerScalar(ReadOnlySpan<float> real, ReadOnlySpan<float> imaginary, Span<float> destination)
    {
        for (int i = 0; i < real.Length; i++)
        {
            destination[i] = (real[i] * real[i]) + (imaginary[i] * imaginary[i]);
        }
    }

    /// <summary>Scalar reference of <see cref="Magnitude"/>.</summary>
    public static void MagnitudeScalar(ReadOnlySpan<float> real, ReadOnlySpan<float> imaginary, Span<float> destination)
    {
        for (int i = 0; i < real.Length; i++)
        {
            destination[i] = MathF.Sqrt((real[i] * real[i]) + (imaginary[i] * imaginary[i]));
        }
    }

    private static int CheckLengths(ReadOnlySpan<float> real, ReadOnlySpan<float> imaginary, Span<float> destination)
    {
        if (imaginary.Length != real.Length || destination.Length < real.Length)
        {
            throw new ArgumentException($"Spectrum needs equal real ({real.Length}) and imaginary ({imaginary.Length}) lengths and a destination of at least that size ({destination.Length}).");
        }

        return real.Length;
    }
}
