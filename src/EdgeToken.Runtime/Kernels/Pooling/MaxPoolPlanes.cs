using System.Numerics;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>The 2-wide, stride-2 max window over whole planes at once, float or int8, when no window is cut by padding
/// or a row end: 1x2 (stride 1 along H) or 2x2 (stride 2). Row by row (<see cref="MaxPoolRows"/>,
/// <see cref="MaxPoolRowsInt8"/>), rows narrower than a vector ran their pair maximum scalar: openWakeWord's pools end
/// at 16 and 8 columns, and its int8 pools were slower than the float ones.</summary>
/// <remarks>1x2: every input row's pair maxima are its output row and the rows are contiguous, so one pair-max call over
/// the tensor. 2x2: per plane, the pair maxima of every input row into a stack buffer, then each output row the maximum
/// of two of those rows. The caller's pair maximum (y = max(y, x[2i], x[2i + 1])) runs on outputs first set to
/// <c>lowest</c>, which no input is below.</remarks>
internal static class MaxPoolPlanes
{
    /// <summary>Largest plane of pair maxima (elements) the 2x2 form keeps on the stack.</summary>
    private const int MaxBuffer = 4096;

    public static unsafe bool TryRun<T>(PoolGeometry g, ReadOnlySpan<T> x, Span<T> y, T lowest, delegate*<T*, T*, int, void> pairMax)
        where T : unmanaged, INumber<T>
    {
        int inH = g.In[1], inW = g.In[2], outH = g.Out[1], outW = g.Out[2];
        bool unpadded = g.PadBegin[1] == 0 && g.PadEnd[1] == 0 && g.PadBegin[2] == 0 && g.PadEnd[2] == 0;
        if (!unpadded || g.Kernel[0] != 1 || g.Stride[0] != 1 || g.PadBegin[0] != 0 || g.PadEnd[0] != 0
            || g.Kernel[2] != 2 || g.Stride[2] != 2 || inW != 2 * outW) return false;
        int planes = g.Batch * g.Channels * g.In[0];
        bool rows1 = g.Kernel[1] == 1 && g.Stride[1] == 1 && outH == inH;
        bool rows2 = g.Kernel[1] == 2 && g.Stride[1] == 2 && inH == 2 * outH && inH * outW <= MaxBuffer;
        if (!rows1 && !rows2 || x.Length < planes * inH * inW || y.Length < planes * outH * outW) return false;
        fixed (T* px = x)
        fixed (T* py = y)
        {
            if (rows1)
            {
                new Span<T>(py, planes * outH * outW).Fill(lowest);
                pairMax(px, py, planes * outH * outW);
                return true;
            }
            T* paired = stackalloc T[inH * outW];
            for (int pl = 0; pl < planes; pl++)
            {
                new Span<T>(paired, inH * outW).Fill(lowest);
                pairMax(px + (long)pl * inH * inW, paired, inH * outW);
                T* yp = py + (long)pl * outH * outW;
                for (int oh = 0; oh < outH; oh++)
                {
                    T* top = paired + 2 * oh * outW, bottom = top + outW, dst = yp + oh * outW;
                    int ow = 0;
                    if (Vector128.IsHardwareAccelerated)
                        for (; ow + Vector128<T>.Count <= outW; ow += Vector128<T>.Count)
                            Vector128.Max(Vector128.Load(top + ow), Vector128.Load(bottom + ow)).Store(dst + ow);
                    for (; ow < outW; ow++) dst[ow] = T.Max(top[ow], bottom[ow]);
                }
            }
        }
        return true;
    }
}
