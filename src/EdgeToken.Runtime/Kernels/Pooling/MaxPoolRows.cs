namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>MaxPool over float32 without the Indices output and without dilation (the shape every CNN uses): an
/// output row is the running maximum of its input rows, one kernel column at a time over the whole row, with the
/// padded ends of each row cut off once instead of testing every tap. <see cref="MaxPool.Run{T}"/> is the
/// reference it is tested against.</summary>
/// <remarks>A window that lies wholly in the padding (possible with ceil_mode) yields float.MinValue, as the
/// reference does; NaN inputs are skipped like the reference's later taps (a NaN in a window's first tap is the
/// only case where the two differ).</remarks>
internal static class MaxPoolRows
{
    public static bool Fits(PoolGeometry g) => g.Dilation[0] == 1 && g.Dilation[1] == 1 && g.Dilation[2] == 1;

    public static unsafe void Run(PoolGeometry g, ReadOnlySpan<float> x, Span<float> y)
    {
        int inD = g.In[0], inH = g.In[1], inW = g.In[2], outW = g.Out[2];
        int sW = g.Stride[2], kW = g.Kernel[2], padW = g.PadBegin[2];
        int planes = g.Batch * g.Channels, inPlane = g.InSpatial, outPlane = g.OutSpatial;
        // Output columns whose window has at least one tap inside the row.
        int firstCol = padW - kW + 1 <= 0 ? 0 : (padW - kW + 1 + sW - 1) / sW;
        int endCol = Math.Min(outW, (inW - 1 + padW) / sW + 1);
        fixed (float* px = x)
        fixed (float* py = y)
        {
            for (int pl = 0; pl < planes; pl++)
            {
                float* xp = px + (long)pl * inPlane;
                float* yrow = py + (long)pl * outPlane;
                for (int od = 0; od < g.Out[0]; od++)
                {
                    int sd = od * g.Stride[0] - g.PadBegin[0];
                    PoolGeometry.Taps(sd, 1, g.Kernel[0], 0, inD, out int d0, out int d1);
                    for (int oh = 0; oh < g.Out[1]; oh++, yrow += outW)
                    {
                        int sh = oh * g.Stride[1] - g.PadBegin[1];
                        PoolGeometry.Taps(sh, 1, g.Kernel[1], 0, inH, out int h0, out int h1);
                        for (int ow = 0; ow < outW; ow++) yrow[ow] = float.NegativeInfinity;
                        bool any = d1 > d0 && h1 > h0 && endCol > firstCol;
                        for (int kd = d0; kd < d1; kd++)
                            for (int kh = h0; kh < h1; kh++)
                            {
                                float* xrow = xp + ((sd + kd) * inH + sh + kh) * inW;
                                for (int kw = 0; kw < kW; kw++)
                                {
                                    int offset = kw - padW;
                                    // Columns ow whose tap ow*sW + offset lies inside the row.
                                    int lo = offset >= 0 ? 0 : (-offset + sW - 1) / sW;
                                    int hi = inW - 1 - offset < 0 ? 0 : Math.Min(outW, (inW - 1 - offset) / sW + 1);
                                    float* src = xrow + offset;
                                    for (int ow = lo; ow < hi; ow++)
                                    {
                                        float v = src[ow * sW];
                                        if (v > yrow[ow]) yrow[ow] = v;
                                    }
                                }
                            }
                        if (!any)
                        {
                            for (int ow = 0; ow < outW; ow++) yrow[ow] = float.MinValue;
                            continue;
                        }
                        for (int ow = 0; ow < firstCol; ow++) yrow[ow] = float.MinValue;
                        for (int ow = endCol; ow < outW; ow++) yrow[ow] = float.MinValue;
                    }
                }
            }
        }
    }
}
