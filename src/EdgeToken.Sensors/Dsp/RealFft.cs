using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Forward FFT of a real block of even length N, producing the N/2+1 non-negative-frequency bins.
/// </summary>
/// <remarks>
/// Half-size trick: the even and odd samples are packed as z[k] = x[2k] + i·x[2k+1], one complex
/// FFT of N/2 points is taken, and the two interleaved spectra are separated using the conjugate
/// symmetry of real signals: E[k] = (Z[k] + Z*[M−k])/2, O[k] = −i(Z[k] − Z*[M−k])/2,
/// X[k] = E[k] + W_N^k·O[k]. This halves the work of a complex transform of the real signal.
/// </remarks>
public sealed class RealFft
{
    private readonly ComplexFft _half;
    private readonly float[] _zRe;
    private readonly float[] _zIm;
    private readonly float[] _splitRe;
    private readonly float[] _splitIm;

    /// <summary>Creates a plan for real blocks of <paramref name="length"/> samples (even; N/2 made of small primes is fastest, any N/2 works).</summary>
    public RealFft(int length)
    {
        if (length < 2 || length % 2 != 0)
        {
            throw new ArgumentException($"Real FFT length must be even and at least 2; got {length}.", nameof(length));
        }

        Length = length;
        int m = length / 2;
        _half = new ComplexFft(m);
        _zRe = new float[m];
        _zIm = new float[m];
        _splitRe = new float[m + 1];
        _splitIm = new float[m + 1];
        for (int k = 0; k <= m; k++)
        {
            double angle = -2 * Math.PI * k / length;
            _splitRe[k] = (float)Math.Cos(angle);
            _splitIm[k] = (float)Math.Sin(angle);
        }
    }

    /// <summary>Block length N.</summary>
    public int Length { get; }

    /// <summary>Number of output bins, N/2 + 1 (DC to Nyquist).</summary>
    public int BinCount => (Length / 2) + 1;

    /// <summary>Transforms <paramref name="source"/> into <see cref="BinCount"/> bins of <paramref name="real"/> and <paramref name="imaginary"/>.</summary>
    public void Forward(ReadOnlySpan<float> source, Span<float> real, Span<float> imaginary)
    {
        int m = Length / 2;
        if (source.Length != Length || real.Length < m + 1 || imaginary.Length < m + 1)
        {
            throw new ArgumentException($"Real FFT plan is for {Length} samples into {m + 1} bins; got source {source.Length}, real {real.Length}, imaginary {imaginary.Length}.");
        }

        int packed = PackVectorised(source, _zRe, _zIm);

        for (int k = packed; k < m; k++)
        {
            _zRe[k] = source[2 * k];
            _zIm[k] = source[(2 * k) + 1];
        }

        _half.Forward(_zRe, _zIm);

        // Bins 1 .. m-1 in vectors (each needs Z[k] and the mirrored Z[m-k]); DC, Nyquist and the rest scalar.
        int split = SplitVectorised(real, imaginary);
        SplitScalar(0, 1, real, imaginary);
        SplitScalar(split, m + 1, real, imaginary);
    }

    private void SplitScalar(int from, int to, Span<float> real, Span<float> imaginary)
    {
        int m = Length / 2;
        for (int k = from; k < to; k++)
        {
            int a = k == m ? 0 : k;
            int b = k == 0 ? 0 : m - k;
            float zr = _zRe[a], zi = _zIm[a];
            float cr = _zRe[b], ci = -_zIm[b];
            float er = 0.5f * (zr + cr), ei = 0.5f * (zi + ci);
            // O = −i·(Z − conj)/2
            float or = 0.5f * (zi - ci), oi = -0.5f * (zr - cr);
            float wr = _splitRe[k], wi = _splitIm[k];
            real[k] = er + ((or * wr) - (oi * wi));
            imaginary[k] = ei + ((or * wi) + (oi * wr));
        }
    }

    /// <summary>De-interleaves even and odd samples 16 at a time; returns how many pairs it did.</summary>
    private static int PackVectorised(ReadOnlySpan<float> source, Span<float> zRe, Span<float> zIm)
    {
        if (!Avx2.IsSupported)
        {
            return 0;
        }

        ref float x = ref MemoryMarshal.GetReference(source);
        ref float re = ref MemoryMarshal.GetReference(zRe);
        ref float im = ref MemoryMarshal.GetReference(zIm);
        int k = 0;
        for (; k + 8 <= zRe.Length; k += 8)
        {
            Vector256<float> lo = Vector256.LoadUnsafe(ref x, (nuint)(2 * k));
            Vector256<float> hi = Vector256.LoadUnsafe(ref x, (nuint)((2 * k) + 8));
            // Per 128-bit lane: lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6; then reorder the 64-bit pairs 0, 2, 1, 3.
            Vector256<float> even = Avx.Shuffle(lo, hi, 0b10_00_10_00);
            Vector256<float> odd = Avx.Shuffle(lo, hi, 0b11_01_11_01);
            Avx2.Permute4x64(even.AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref re, (nuint)k);
            Avx2.Permute4x64(odd.AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref im, (nuint)k);
        }

        return k;
    }

    /// <summary>Bins 1.. in vectors of 8 while the mirrored bins stay above 0; returns the first bin it did not do.</summary>
    private int SplitVectorised(Span<float> real, Span<float> imaginary)
    {
        if (!Avx2.IsSupported)
        {
            return 1;
        }

        int m = Length / 2;
        ref float zRe = ref MemoryMarshal.GetArrayDataReference(_zRe);
        ref float zIm = ref MemoryMarshal.GetArrayDataReference(_zIm);
        ref float wRe = ref MemoryMarshal.GetArrayDataReference(_splitRe);
        ref float wIm = ref MemoryMarshal.GetArrayDataReference(_splitIm);
        ref float outRe = ref MemoryMarshal.GetReference(real);
        ref float outIm = ref MemoryMarshal.GetReference(imaginary);
        Vector256<int> reverse = Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0);
        Vector256<float> half = Vector256.Create(0.5f);
        int k = 1;
        for (; k + 8 <= m; k += 8)
        {
            Vector256<float> zr = Vector256.LoadUnsafe(ref zRe, (nuint)k), zi = Vector256.LoadUnsafe(ref zIm, (nuint)k);
            Vector256<float> cr = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref zRe, (nuint)(m - k - 7)), reverse);
            Vector256<float> ci = -Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref zIm, (nuint)(m - k - 7)), reverse);
            Vector256<float> er = half * (zr + cr), ei = half * (zi + ci);
            Vector256<float> or = half * (zi - ci), oi = half * (cr - zr);
            Vector256<float> wr = Vector256.LoadUnsafe(ref wRe, (nuint)k), wi = Vector256.LoadUnsafe(ref wIm, (nuint)k);
            (er + ((or * wr) - (oi * wi))).StoreUnsafe(ref outRe, (nuint)k);
            (ei + ((or * wi) + (oi * wr))).StoreUnsafe(ref outIm, (nuint)k);
        }

        return k;
    }
}
