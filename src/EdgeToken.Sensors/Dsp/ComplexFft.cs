namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// A precomputed plan for the complex discrete Fourier transform of one length, on split
/// real/imaginary spans: <c>X[k] = Σ x[n]·e^(−2πi·kn/N)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Mixed-radix Stockham autosort: each pass reads one buffer and writes the other, so the output
/// comes out in natural order without a bit-reversal pass, and any length whose prime factors
/// are 2, 3, 5 (or small primes up to <see cref="FftFactorization.MaxGenericRadix"/>) works.
/// Radix-4, 2, 3 and 5 have hand-written butterflies; other primes use a generic DFT butterfly.
/// </para>
/// <para>
/// Twiddles W_N^k are computed once in double precision and stored as float. The plan owns its
/// ping-pong scratch, so a transform allocates nothing; a plan must therefore be used by one
/// thread at a time. When a pass's stride is at least one vector wide, its inner loop runs on
/// <see cref="System.Numerics.Vector{T}"/>s (see <see cref="FftButterflies"/>).
/// </para>
/// </remarks>
public sealed class ComplexFft
{
    private readonly int[] _radices;
    private readonly float[] _twiddleRe;
    private readonly float[] _twiddleIm;
    private readonly float[] _scratchRe;
    private readonly float[] _scratchIm;
    private readonly float[] _genericRe;
    private readonly float[] _genericIm;

    /// <summary>Creates a plan for transforms of <paramref name="length"/> points.</summary>
    /// <exception cref="ArgumentException">The length has a prime factor above 31.</exception>
    public ComplexFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Span<int> radices = stackalloc int[32];
        if (!FftFactorization.TryFactor(length, radices, out int count))
        {
            throw new ArgumentException($"FFT length {length} has a prime factor above {FftFactorization.MaxGenericRadix}; choose a length made of 2, 3 and 5 (e.g. 2048, 1920, 2000).", nameof(length));
        }

        Length = length;
        _radices = radices[..count].ToArray();
        _twiddleRe = new float[length];
        _twiddleIm = new float[length];
        for (int k = 0; k < length; k++)
        {
            double angle = -2 * Math.PI * k / length;
            _twiddleRe[k] = (float)Math.Cos(angle);
            _twiddleIm[k] = (float)Math.Sin(angle);
        }

        _scratchRe = new float[length];
        _scratchIm = new float[length];
        _genericRe = new float[FftFactorization.MaxGenericRadix];
        _genericIm = new float[FftFactorization.MaxGenericRadix];
    }

    /// <summary>Transform length.</summary>
    public int Length { get; }

    /// <summary>Radices of the passes, in order (for diagnostics and benchmarks).</summary>
    public ReadOnlySpan<int> Radices => _radices;

    /// <summary>Forward transform in place.</summary>
    public void Forward(Span<float> real, Span<float> imaginary)
    {
        CheckLengths(real, imaginary);
        Transform(real, imaginary);
    }

    /// <summary>Inverse transform in place, scaled by 1/N so that <c>Inverse(Forward(x)) == x</c>.</summary>
    public void Inverse(Span<float> real, Span<float> imaginary)
    {
        CheckLengths(real, imaginary);
        // IDFT(x) = swap(DFT(swap(x))) / N: swapping re and im conjugates up to a factor i, which the second swap undoes.
        Transform(imaginary, real);
        float scale = 1f / Length;
        System.Numerics.Tensors.TensorPrimitives.Multiply(real, scale, real);
        System.Numerics.Tensors.TensorPrimitives.Multiply(imaginary, scale, imaginary);
    }

    private void Transform(Span<float> real, Span<float> imaginary)
    {
        if (Length == 1)
        {
            return;
        }

        Span<float> inRe = real;
        Span<float> inIm = imaginary;
        Span<float> outRe = _scratchRe;
        Span<float> outIm = _scratchIm;
        int stride = 1;
        int remaining = Length;
        foreach (int radix in _radices)
        {
            int m = remaining / radix;
            var pass = new FftPass(inRe, inIm, outRe, outIm, _twiddleRe, _twiddleIm, stride, m);
            switch (radix)
            {
                case 2: FftButterflies.Radix2(pass); break;
                case 3: FftButterflies.Radix3(pass); break;
                case 4: FftButterflies.Radix4(pass); break;
                case 5: FftButterflies.Radix5(pass); break;
                default: FftButterflies.Generic(pass, radix, _genericRe, _genericIm); break;
            }

            Span<float> t = inRe; inRe = outRe; outRe = t;
            t = inIm; inIm = outIm; outIm = t;
            stride *= radix;
            remaining = m;
        }

        // After an odd number of passes the result sits in the scratch buffers.
        if (!inRe.Overlaps(real))
        {
            inRe.CopyTo(real);
            inIm.CopyTo(imaginary);
        }
    }

    private void CheckLengths(Span<float> real, Span<float> imaginary)
    {
        if (real.Length != Length || imaginary.Length != Length)
        {
            throw new ArgumentException($"FFT plan is for {Length} points; got real {real.Length}, imaginary {imaginary.Length}.");
        }
    }
}
