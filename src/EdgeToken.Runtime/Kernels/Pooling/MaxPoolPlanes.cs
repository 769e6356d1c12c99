using System.Numerics;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>The 2-wide, stride-2 max window over whole planes at once, float or int8, when no window is cut by padding
/// or a row end: 1x2 (stride 1 along H) or 2x2 (stride 2). Row by row (<see cref="MaxPoolRows"/>,
/// <see cref="MaxPoolRowsInt8"/>), rows narrower than a vector ran their pair maximum scalar: openWakeWord's pools end
/// at 16 and 8 columns, and its int8 pools were slower than the float ones.</summary>
/// <remarks>1x2: every input row's pair maxima are its output row and the rows are contiguous, so one pair-max call over
/// the tensor. 2x2: per plane, the pair maxima of every input row into a stack buffer, then each output row the maximum
/// of two of those rows, for as many planes at once as the buffer holds. The caller's pair maximum
/// (y = max(y, x[2i], x[2i + 1])) runs on outputs first set to <c>lowest</c>, which no input is below.</remarks>
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
            // As many planes at a time as the buffer holds: their rows follow each other and pair up (2k, 2k + 1) across
            // plane boundaries too (inH is even), so small planes (openWakeWord's last pool, 96 planes of 6x2) are a few
            // calls instead of three per plane.
            int chunk = Math.Min(planes, MaxBuffer / (inH * outW));
            T* paired = stackalloc T[chunk * inH * outW];
            for (int pl = 0; pl < planes; pl += chunk)
            {
                int n = Math.Min(chunk, planes - pl);
                new Span<T>(paired, n * inH * outW).Fill(lowest);
                pairMax(px + (long)pl * inH * inW, paired, n * inH * outW);
                RowPairMax(paired, py + (long)pl * outH * outW, n * outH, outW);
            }
        }
        return true;
    }

    /// <summary>y[oh, :] = max(rows[2·oh, :], rows[2·oh + 1, :]) for rows [2·outH, outW]: a vector a step along the row, or,
    /// when a row is 4 or 8 bytes (openWakeWord's int8 pools end at 8 and 4 columns), whole row pairs in one vector,
    /// their halves swapped by a shuffle (scalar, those rows had made the int8 pool slower than the float one).</summary>
    internal static unsafe void RowPairMax<T>(T* rows, T* y, int outH, int outW) where T : unmanaged, INumber<T>
    {
        int oh = 0, bytes = outW * sizeof(T);
        if (Vector128.IsHardwareAccelerated && bytes == 8)
            for (; oh < outH; oh++) // [top, bottom]: the maximum of the vector and its halves swapped
            {
                var v = Vector128.Load((long*)(rows + 2 * oh * outW));
                var m = Vector128.Max(v.As<long, T>(), Vector128.Shuffle(v, Vector128.Create(1L, 0L)).As<long, T>());
                *(long*)(y + oh * outW) = m.AsInt64().ToScalar();
            }
        else if (Vector128.IsHardwareAccelerated && bytes == 4)
            for (; oh + 2 <= outH; oh += 2) // [top 0, bottom 0, top 1, bottom 1]: two output rows a vector
            {
                var v = Vector128.Load((int*)(rows + 2 * oh * outW));
                var m = Vector128.Max(v.As<int, T>(), Vector128.Shuffle(v, Vector128.Create(1, 0, 3, 2)).As<int, T>());
                *(long*)(y + oh * outW) = Vector128.Shuffle(m.AsInt32(), Vector128.Create(0, 2, 0, 2)).AsInt64().ToScalar();
            }
        for (; oh < outH; oh++)
        {
            T* top = rows + 2 * oh * outW, bottom = top + outW, dst = y + oh * outW;
            int ow = 0;
            if (Vector128.IsHardwareAccelerated)
                for (; ow + Vector128<T>.Count <= outW; ow += Vector128<T>.Count)
                    Vector128.Max(Vector128.Load(top + ow), Vector128.Load(bottom + ow)).Store(dst + ow);
            for (; ow < outW; ow++) dst[ow] = T.Max(top[ow], bottom[ow]);
        }
    }
}
