using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// Bluestein's chirp-z algorithm: a DFT of any length N as a circular convolution of length
/// M ≥ 2N−1 (a power of two), which the mixed-radix <see cref="ComplexFft"/> does fast.
/// </summary>
/// <remarks>
/// <para>
/// With nk = (n² + k² − (k−n)²)/2, X[k] = w[k]·Σ x[n]·w[n]·conj(w[k−n]) where w[n] = e^(−πi·n²/N):
/// pre-multiply by the chirp, convolve with its conjugate (FFT, multiply by the precomputed
/// transform of the conjugate chirp, inverse FFT), post-multiply by the chirp.
/// </para>
/// <para>
/// Costs about three transforms of 2N to 4N points, so a length with a large prime factor is
/// some 6-12 times slower than a nearby smooth length, and float rounding grows with log M
/// rather than log N; prefer lengths made of 2, 3 and 5 where the length can be chosen.
/// n² is reduced modulo 2N in integers before the angle is formed, so the chirp stays exact
/// for large n.
/// </para>
/// </remarks>
internal sealed class BluesteinFft
{
    private readonly int _length;
    private readonly ComplexFft _convolution;
    private readonly float[] _chirpRe;
    private readonly float[] _chirpIm;
    private readonly float[] _kernelRe;
    private readonly float[] _kernelIm;
    private readonly float[] _workRe;
    private readonly float[] _workIm;

    public BluesteinFft(int length)
    {
        _length = length;
        int m = 1;
        while (m < (2 * length) - 1)
        {
            m *= 2;
        }

        _convolution = new ComplexFft(m);
        _chirpRe = new float[length];
        _chirpIm = new float[length];
        _kernelRe = new float[m];
        _kernelIm = new float[m];
        for (int n = 0; n < length; n++)
        {
            long square = (long)n * n % (2L * length);
            double angle = -Math.PI * square / length;
            _chirpRe[n] = (float)Math.Cos(angle);
            _chirpIm[n] = (float)Math.Sin(angle);

            // The kernel is conj(w) at lags −(N−1)..N−1, wrapped around the circular buffer.
            _kernelRe[n] = _chirpRe[n];
            _kernelIm[n] = -_chirpIm[n];
            if (n > 0)
            {
                _kernelRe[m - n] = _chirpRe[n];
                _kernelIm[m - n] = -_chirpIm[n];
            }
        }

        _convolution.Forward(_kernelRe, _kernelIm);
        _workRe = new float[m];
        _workIm = new float[m];
    }

    /// <summary>Length of the inner power-of-two transforms.</summary>
    public int ConvolutionLength => _convolution.Length;

    /// <summary>Forward DFT of <paramref name="real"/>/<paramref name="imaginary"/> (N long) in place.</summary>
    public void Forward(Span<float> real, Span<float> imaginary)
    {
        int n = _length;
        Span<float> re = _workRe, im = _workIm;
        ComplexMultiply(real, imaginary, _chirpRe, _chirpIm, re[..n], im[..n]);
        re[n..].Clear();
        im[n..].Clear();
        _convolution.Forward(re, im);
        ComplexMultiply(re, im, _kernelRe, _kernelIm, re, im);
        _convolution.Inverse(re, im);
        ComplexMultiply(re[..n], im[..n], _chirpRe, _chirpIm, real, imaginary);
    }

    /// <summary>(a + ib)(c + id) element-wise; the destination may be the first operand.</summary>
    private static void ComplexMultiply(ReadOnlySpan<float> aRe, ReadOnlySpan<float> aIm, ReadOnlySpan<float> bRe, ReadOnlySpan<float> bIm, Span<float> re, Span<float> im)
    {
        int n = aRe.Length;
        if (aIm.Length != n || bRe.Length < n || bIm.Length < n || re.Length < n || im.Length < n)
        {
            throw new ArgumentException("Complex product operands differ in length.");
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float ar = ref MemoryMarshal.GetReference(aRe);
            ref float ai = ref MemoryMarshal.GetReference(aIm);
            ref float br = ref MemoryMarshal.GetReference(bRe);
            ref float bi = ref MemoryMarshal.GetReference(bIm);
            ref float r = ref MemoryMarshal.GetReference(re);
            ref float m = ref MemoryMarshal.GetReference(im);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> xr = Vector.LoadUnsafe(ref ar, (nuint)i), xi = Vector.LoadUnsafe(ref ai, (nuint)i);
                Vector<float> yr = Vector.LoadUnsafe(ref br, (nuint)i), yi = Vector.LoadUnsafe(ref bi, (nuint)i);
                ((xr * yr) - (xi * yi)).StoreUnsafe(ref r, (nuint)i);
                ((xr * yi) + (xi * yr)).StoreUnsafe(ref m, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float x = (aRe[i] * bRe[i]) - (aIm[i] * bIm[i]);
            float y = (aRe[i] * bIm[i]) + (aIm[i] * bRe[i]);
            re[i] = x;
            im[i] = y;
        }
    }
}
