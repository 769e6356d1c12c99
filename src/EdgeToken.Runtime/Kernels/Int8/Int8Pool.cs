namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Max and average pooling of one int8 image [C, H, W] (1-D: H = kH = 1), output on the input's scale and zero
/// point. Max pooling commutes with the (monotonic) quantization, so it runs on the codes directly; average pooling sums
/// codes in int32 and divides by the number of elements, rounding halves away from zero (the zero point passes through
/// an average unchanged).</summary>
/// <remarks>Padding never wins a max and is not counted in an average (ONNX's count_include_pad = 0).</remarks>
public static class Int8Pool
{
    public static void Max(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, Span<sbyte> y) => Run(g, x, y, average: false);

    public static void Average(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, Span<sbyte> y) => Run(g, x, y, average: true);

    private static void Run(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, Span<sbyte> y, bool average)
    {
        int plane = g.Height * g.Width;
        for (int c = 0; c < g.Channels; c++)
        {
            var src = x.Slice(c * plane, plane);
            for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int best = sbyte.MinValue, sum = 0, count = 0;
                    for (int i = 0; i < g.KernelH; i++)
                    {
                        int ih = g.RowMap[oh * g.KernelH + i];
                        if (ih < 0) continue;
                        for (int j = 0; j < g.KernelW; j++)
                        {
                            int iw = g.ColMap[ow * g.KernelW + j];
                            if (iw < 0) continue;
                            int v = src[ih * g.Width + iw];
                            if (v > best) best = v;
                            sum += v;
                            count++;
                        }
                    }
                    y[(c * g.OutH + oh) * g.OutW + ow] = (sbyte)(average ? DivideRounded(sum, count) : best);
                }
        }
    }

    /// <summary>sum / count rounded halves away from zero (count &gt; 0).</summary>
    internal static int DivideRounded(int sum, int count) =>
        sum >= 0 ? (sum + count / 2) / count : -((-sum + count / 2) / count);
}
