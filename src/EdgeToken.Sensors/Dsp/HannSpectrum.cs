using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// The power spectrum of a Hann-windowed block computed from the spectrum of the unwindowed block.
/// </summary>
/// <remarks>
/// The periodic Hann window (<see cref="Window"/>) is 0.5 − 0.25·e^(2πin/N) − 0.25·e^(−2πin/N), so in
/// frequency it is the three-tap convolution X_w[k] = 0.5·X[k] − 0.25·(X[k−1] + X[k+1]). A caller
/// that needs both spectra (the bearing front end: band energies of the windowed block, envelope of
/// the raw one) saves one FFT per channel this way. At the edges the real signal's symmetry gives
/// X[−1] = conj(X[1]) and X[N/2+1] = conj(X[N/2−1]).
/// </remarks>
public static class HannSpectrum
{
    /// <summary>
    /// Writes <paramref name="scale"/>·|X_w[k]|² for the N/2+1 bins of <paramref name="real"/>/<paramref name="imaginary"/>
    /// (a <see cref="RealFft"/> output of the unwindowed block) to <paramref name="power"/>.
    /// </summary>
    public static void Power(ReadOnlySpan<float> real, ReadOnlySpan<float> imaginary, Span<float> power, float scale = 1f)
    {
        int bins = real.Length;
        if (bins < 2 || imaginary.Length != bins || power.Length < bins)
        {
            throw new ArgumentException($"Hann spectrum needs at least 2 bins with equal real ({real.Length}) and imaginary ({imaginary.Length}) lengths and room for them ({power.Length}).");
        }

        int last = bins - 1;
        power[0] = scale * Squared((0.5f * real[0]) - (0.5f * real[1]), 0.5f * imaginary[0]);
        power[last] = scale * Squared((0.5f * real[last]) - (0.5f * real[last - 1]), 0.5f * imaginary[last]);
        int k = 1;
        if (Vector.IsHardwareAccelerated)
        {
            ref float re = ref MemoryMarshal.GetReference(real);
            ref float im = ref MemoryMarshal.GetReference(imaginary);
            ref float dst = ref MemoryMarshal.GetReference(power);
            Vector<float> half = new(0.5f), quarter = new(0.25f), s = new(scale);
            for (; k + Vector<float>.Count < bins; k += Vector<float>.Count)
            {
                Vector<float> wr = (half * Vector.LoadUnsafe(ref re, (nuint)k)) - (quarter * (Vector.LoadUnsafe(ref re, (nuint)(k - 1)) + Vector.LoadUnsafe(ref re, (nuint)(k + 1))));
                Vector<float> wi = (half * Vector.LoadUnsafe(ref im, (nuint)k)) - (quarter * (Vector.LoadUnsafe(ref im, (nuint)(k - 1)) + Vector.LoadUnsafe(ref im, (nuint)(k + 1))));
                (s * ((wr * wr) + (wi * wi))).StoreUnsafe(ref dst, (nuint)k);
            }
        }

        for (; k < last; k++)
        {
            float wr = (0.5f * real[k]) - (0.25f * (real[k - 1] + real[k + 1]));
            float wi = (0.5f * imaginary[k]) - (0.25f * (imaginary[k - 1] + imaginary[k + 1]));
            power[k] = scale * Squared(wr, wi);
        }
    }

    private static float Squared(float re, float im) => (re * re) + (im * im);
}
