using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>MaxPool over int8 codes (a quantized model pools between its int8 convolutions) without Indices and
/// dilation: the float row-wise scheme of <see cref="MaxPoolRows"/> on sbyte. The generic <see cref="MaxPool.Run{T}"/>
/// spent about 25 cycles per output on its per-tap bounds tests, four times what the int8 convolution before it costs per
/// output; here an output row is the running maximum over its kernel columns and the 2-wide, stride-2 window
/// de-interleaves whole vectors (<see cref="PairMax"/>).</summary>
/// <remarks>Every output starts at sbyte.MinValue, which is also what the reference yields for a window wholly in the
/// padding, so no row end needs fixing afterwards (unlike float, whose running maximum starts at -infinity).</remarks>
internal static class MaxPoolRowsInt8
{
    public static unsafe void Run(PoolGeometry g, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        if (MaxPoolPlanes.TryRun(g, x, y, sbyte.MinValue, &PairMax)) return;
        int inD = g.In[0], inH = g.In[1], inW = g.In[2], outW = g.Out[2];
        int sW = g.Stride[2], kW = g.Kernel[2], padW = g.PadBegin[2];
        int planes = g.Batch * g.Channels, inPlane = g.InSpatial, outPlane = g.OutSpatial;
        int paired = kW == 2 && sW == 2 && padW == 0 ? Math.Min(outW, inW / 2) : 0;
        fixed (sbyte* px = x)
        fixed (sbyte* py = y)
        {
            for (int pl = 0; pl < planes; pl++)
            {
                sbyte* xp = px + (long)pl * inPlane;
                sbyte* yrow = py + (long)pl * outPlane;
                for (int od = 0; od < g.Out[0]; od++)
                {
                    int sd = od * g.Stride[0] - g.PadBegin[0];
                    PoolGeometry.Taps(sd, 1, g.Kernel[0], 0, inD, out int d0, out int d1);
                    for (int oh = 0; oh < g.Out[1]; oh++, yrow += outW)
                    {
                        int sh = oh * g.Stride[1] - g.PadBegin[1];
                        PoolGeometry.Taps(sh, 1, g.Kernel[1], 0, inH, out int h0, out int h1);
                        new Span<sbyte>(yrow, outW).Fill(sbyte.MinValue);
                        for (int kd = d0; kd < d1; kd++)
                            for (int kh = h0; kh < h1; kh++)
                            {
                                sbyte* xrow = xp + ((sd + kd) * inH + sh + kh) * inW;
                                if (paired > 0) PairMax(xrow, yrow, paired);
                                for (int kw = 0; kw < kW; kw++)
                                {
                                    int offset = kw - padW;
                                    // Columns ow whose tap ow*sW + offset lies inside the row (past those PairMax did).
                                    int lo = Math.Max(paired, offset >= 0 ? 0 : (-offset + sW - 1) / sW);
                                    int hi = inW - 1 - offset < 0 ? 0 : Math.Min(outW, (inW - 1 - offset) / sW + 1);
                                    sbyte* src = xrow + offset;
                                    for (int ow = lo; ow < hi; ow++) yrow[ow] = Math.Max(yrow[ow], src[ow * sW]);
                                }
                            }
                    }
                }
            }
        }
    }

    /// <summary>y[i] = max(y[i], x[2i], x[2i+1]) for i &lt; count: 32 bytes read as 16 int16, whose low bytes (sign-extended
    /// by a shift left and an arithmetic shift right) are the even inputs and high bytes the odd ones; their maximum
    /// narrows back to bytes without loss.</summary>
    internal static unsafe void PairMax(sbyte* x, sbyte* y, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= count; i += 32)
            {
                var a = Vector256.Load((short*)(x + 2 * i));
                var b = Vector256.Load((short*)(x + 2 * i + 32));
                var ma = Vector256.Max(Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(a, 8), 8), Vector256.ShiftRightArithmetic(a, 8));
                var mb = Vector256.Max(Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(b, 8), 8), Vector256.ShiftRightArithmetic(b, 8));
                Vector256.Max(Vector256.Load(y + i), Vector256.Narrow(ma, mb)).Store(y + i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
            {
                var a = Vector128.Load((short*)(x + 2 * i));
                var b = Vector128.Load((short*)(x + 2 * i + 16));
                var ma = Vector128.Max(Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(a, 8), 8), Vector128.ShiftRightArithmetic(a, 8));
                var mb = Vector128.Max(Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(b, 8), 8), Vector128.ShiftRightArithmetic(b, 8));
                Vector128.Max(Vector128.Load(y + i), Vector128.Narrow(ma, mb)).Store(y + i);
            }
        }
        PairMaxScalar(x, y, i, count);
    }

    internal static unsafe void PairMaxScalar(sbyte* x, sbyte* y, int from, int count)
    {
        for (int i = from; i < count; i++) y[i] = Math.Max(y[i], Math.Max(x[2 * i], x[2 * i + 1]));
    }
}
