using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>MaxPool over float32 without the Indices output and without dilation (the shape every CNN uses): an
/// output row is the running maximum of its input rows, one kernel column at a time over the whole row, with the
/// padded ends of each row cut off once instead of testing every tap. <see cref="MaxPool.Run{T}"/> is the
/// reference it is tested against.</summary>
/// <remarks>A window that lies wholly in the padding (possible with ceil_mode) yields float.MinValue, as the
/// reference does. NaN propagates here (MathF.Max, Vector.Max); the reference keeps a NaN only from a window's first
/// tap. The 2-wide, stride-2 window without padding (the usual downsampling pool) takes <see cref="PairMax"/>, which
/// de-interleaves whole vectors; <see cref="PairMaxScalar"/> is its reference.</remarks>
internal static class MaxPoolRows
{
    public static bool Fits(PoolGeometry g) => g.Dilation[0] == 1 && g.Dilation[1] == 1 && g.Dilation[2] == 1;

    public static unsafe void Run(PoolGeometry g, ReadOnlySpan<float> x, Span<float> y)
    {
        if (MaxPoolPlanes.TryRun(g, x, y, float.NegativeInfinity, &PairMax)) return;
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
                                // ceil_mode can add a last column whose window is one tap: the loop below does it.
                                int paired = kW == 2 && sW == 2 && padW == 0 ? Math.Min(outW, inW / 2) : 0;
                                if (paired > 0) PairMax(xrow, yrow, paired);
                                for (int kw = 0; kw < kW; kw++)
                                {
                                    int offset = kw - padW;
                                    // Columns ow whose tap ow*sW + offset lies inside the row.
                                    int lo = Math.Max(paired, offset >= 0 ? 0 : (-offset + sW - 1) / sW);
                                    int hi = inW - 1 - offset < 0 ? 0 : Math.Min(outW, (inW - 1 - offset) / sW + 1);
                                    float* src = xrow + offset;
                                    for (int ow = lo; ow < hi; ow++)
                                    {
                                        // Branch-free: a data-dependent branch here mispredicts half the time.
                                        yrow[ow] = MathF.Max(yrow[ow], src[ow * sW]);
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

    /// <summary>y[i] = max(y[i], x[2i], x[2i+1]) for i &lt; count.</summary>
    internal static unsafe void PairMax(float* x, float* y, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Within each vector, evens to the low half and odds to the high half; then join the halves of two vectors.
            var order = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
            for (; i + 8 <= count; i += 8)
            {
                var a = Vector256.Shuffle(Vector256.Load(x + 2 * i), order);
                var b = Vector256.Shuffle(Vector256.Load(x + 2 * i + 8), order);
                var even = Vector256.Create(a.GetLower(), b.GetLower());
                var odd = Vector256.Create(a.GetUpper(), b.GetUpper());
                Vector256.Max(Vector256.Load(y + i), Vector256.Max(even, odd)).Store(y + i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var order = Vector128.Create(0, 2, 1, 3);
            for (; i + 4 <= count; i += 4)
            {
                var a = Vector128.Shuffle(Vector128.Load(x + 2 * i), order);
                var b = Vector128.Shuffle(Vector128.Load(x + 2 * i + 4), order);
                var even = Vector128.Create(a.GetLower(), b.GetLower());
                var odd = Vector128.Create(a.GetUpper(), b.GetUpper());
                Vector128.Max(Vector128.Load(y + i), Vector128.Max(even, odd)).Store(y + i);
            }
        }
        PairMaxScalar(x, y, i, count);
    }

    internal static unsafe void PairMaxScalar(float* x, float* y, int from, int count)
    {
        for (int i = from; i < count; i++) y[i] = MathF.Max(y[i], MathF.Max(x[2 * i], x[2 * i + 1]));
    }
}
