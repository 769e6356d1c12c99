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

    /// <summary>Creates a plan for real blocks of <paramref name="length"/> samples (even; N/2 must factor into small primes).</summary>
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

        for (int k = 0; k < m; k++)
        {
            _zRe[k] = source[2 * k];
            _zIm[k] = source[(2 * k) + 1];
        }

        _half.Forward(_zRe, _zIm);

        for (int k = 0; k <= m; k++)
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
}
