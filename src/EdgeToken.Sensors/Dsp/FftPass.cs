namespace EdgeToken.Sensors.Dsp;

/// <summary>
/// One Stockham pass: for every butterfly index <c>p &lt; M</c> and every interleaved sub-transform
/// <c>q &lt; S</c>, input element <c>k</c> is at <c>q + S·(p + k·M)</c> and output <c>j</c> goes to
/// <c>q + S·(r·p + j)</c>, multiplied by the twiddle W_N^(j·p·S).
/// </summary>
internal readonly ref struct FftPass
{
    public readonly ReadOnlySpan<float> InRe;
    public readonly ReadOnlySpan<float> InIm;
    public readonly Span<float> OutRe;
    public readonly Span<float> OutIm;
    public readonly ReadOnlySpan<float> TwiddleRe;
    public readonly ReadOnlySpan<float> TwiddleIm;
    public readonly int Stride;
    public readonly int M;

    public FftPass(ReadOnlySpan<float> inRe, ReadOnlySpan<float> inIm, Span<float> outRe, Span<float> outIm, ReadOnlySpan<float> twiddleRe, ReadOnlySpan<float> twiddleIm, int stride, int m)
    {
        InRe = inRe;
        InIm = inIm;
        OutRe = outRe;
        OutIm = outIm;
        TwiddleRe = twiddleRe;
        TwiddleIm = twiddleIm;
        Stride = stride;
        M = m;
    }
}
