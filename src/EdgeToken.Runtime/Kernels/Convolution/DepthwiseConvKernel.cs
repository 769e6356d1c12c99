using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>Depthwise Conv (one input channel per group, groups > 1, 1-D or 2-D): computed directly. Each input
/// channel is first copied into a zero-bordered plane in scratch, so every tap of every output position is in
/// bounds and the inner loops have no padding tests; then each output row is a sum of scaled, shifted input rows
/// with bias and the fused activation applied while the row is in registers/L1.</summary>
/// <remarks>im2col would copy each input value kernel-size times for a matrix multiply with a single row, which is
/// all overhead. A convolution over one input channel with several output channels (an audio or image stem,
/// groups == 1) goes through im2col instead: there the columns are shared by every output channel.
/// With stride 1 along W the output rows are computed a vector at a time (<see cref="PlaneVector"/>); other
/// strides and the rows' tails take <see cref="PlaneScalar"/>, the reference the vector path is tested against.</remarks>
internal sealed class DepthwiseConvKernel : Kernel
{
    private readonly ConvGeometry _g;
    private readonly float[]? _weights;
    private readonly bool _hasBias;
    private readonly FusedActivation _activation;
    private readonly int _padH, _padW;

    public DepthwiseConvKernel(ConvGeometry g, float[]? weights, bool hasBias, FusedActivation activation)
    {
        _g = g;
        _weights = weights;
        _hasBias = hasBias;
        _activation = activation;
        // Tall and wide enough for every tap of every output position (SAME padding may need less than PadEnd says).
        _padH = Math.Max(g.In[1] + g.PadBegin[1], (g.Out[1] - 1) * g.Stride[1] + g.EffectiveKernel(1));
        _padW = Math.Max(g.In[2] + g.PadBegin[2], (g.Out[2] - 1) * g.Stride[2] + g.EffectiveKernel(2));
    }

    public static bool Fits(ConvGeometry g) =>
        g.ChannelsPerGroup == 1 && g.Groups > 1 && g.Kernel[0] == 1 && g.In[0] == 1 && g.PadBegin[0] == 0 && g.PadEnd[0] == 0;

    public override int ScratchBytes => _padH * _padW * sizeof(float);

    public override unsafe void Run(in KernelArgs args)
    {
        var g = _g;
        var x = args.Input<float>(0);
        ReadOnlySpan<float> w = _weights ?? args.Input<float>(1);
        var y = args.Output<float>(0);
        ReadOnlySpan<float> bias = _hasBias ? args.Input<float>(2) : default;
        var padded = args.ScratchAs<float>(0, _padH * _padW);
        int inH = g.In[1], inW = g.In[2], outH = g.Out[1], outW = g.Out[2];
        int kH = g.Kernel[1], kW = g.Kernel[2], ocg = g.OutChannelsPerGroup;
        int inPlane = inH * inW, outPlane = outH * outW;
        padded.Clear();
        bool relu = _activation.Kind == "Relu";
        for (int n = 0; n < g.Batch; n++)
            for (int c = 0; c < g.Channels; c++)
            {
                var xc = x.Slice((n * g.Channels + c) * inPlane, inPlane);
                fixed (float* src = xc)
                fixed (float* dst = padded)
                    CopyPlane(src, dst + g.PadBegin[1] * _padW + g.PadBegin[2], inH, inW, _padW);
                for (int m = 0; m < ocg; m++)
                {
                    int oc = c * ocg + m;
                    var yc = y.Slice((n * g.OutChannels + oc) * outPlane, outPlane);
                    var wc = w.Slice(oc * kH * kW, kH * kW);
                    float b = _hasBias ? bias[oc] : 0f;
                    int done = g.Stride[2] == 1 ? PlaneVector(padded, wc, b, yc, relu) : 0;
                    if (done < outW) PlaneScalar(padded, wc, b, yc, done);
                    // The 3x3 vector path applies a fused Relu as it stores; everything else gets it here.
                    if (!(relu && done == outW && kH == 3 && kW == 3)) _activation.Apply(yc);
                }
            }
    }

    /// <summary>Output columns <paramref name="from"/>.. of every row, one position at a time: bias plus every tap, read
    /// from the padded plane.</summary>
    internal void PlaneScalar(ReadOnlySpan<float> padded, ReadOnlySpan<float> wc, float bias, Span<float> yc, int from)
    {
        int outW = _g.Out[2], kH = _g.Kernel[1], kW = _g.Kernel[2], padW = _padW;
        int dH = _g.Dilation[1] * padW, dW = _g.Dilation[2], sH = _g.Stride[1] * padW, sW = _g.Stride[2];
        for (int oh = 0; oh < _g.Out[1]; oh++)
            for (int ow = from; ow < outW; ow++)
            {
                float sum = bias;
                for (int kh = 0; kh < kH; kh++)
                {
                    int at = oh * sH + kh * dH + ow * sW;
                    for (int kw = 0; kw < kW; kw++) sum += wc[kh * kW + kw] * padded[at + kw * dW];
                }
                yc[oh * outW + ow] = sum;
            }
    }

    /// <summary>With stride 1 along W: whole vectors of output positions of every row (Vector256, or Vector128 on
    /// ARM64), each tap one multiply-add of a shifted input vector. The 3x3 kernel keeps its nine weights in registers
    /// (<see cref="Plane3x3Vector256"/>): with rows this short, loop and broadcast overhead is most of the cost otherwise.
    /// Returns how many columns of each row it wrote; the rest is left to <see cref="PlaneScalar"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe int PlaneVector(ReadOnlySpan<float> padded, ReadOnlySpan<float> wc, float bias, Span<float> yc, bool relu)
    {
        int outH = _g.Out[1], outW = _g.Out[2], kH = _g.Kernel[1], kW = _g.Kernel[2], padW = _padW;
        int dH = _g.Dilation[1] * padW, dW = _g.Dilation[2], sH = _g.Stride[1] * padW;
        if (!Vector256.IsHardwareAccelerated && !Vector128.IsHardwareAccelerated) return 0;
        int width = Vector256.IsHardwareAccelerated ? 8 : 4;
        int done = outW / width * width;
        fixed (float* p = padded)
        fixed (float* pw = wc)
        fixed (float* py = yc)
        {
            if (kH == 3 && kW == 3)
            {
                float floor = relu ? 0f : float.NegativeInfinity;
                if (width == 8) Plane3x3Vector256(p, pw, bias, floor, py, outH, outW, done, sH, dH, dW);
                else Plane3x3Vector128(p, pw, bias, floor, py, outH, outW, done, sH, dH, dW);
                return done;
            }
            for (int oh = 0; oh < outH; oh++)
            {
                float* top = p + oh * sH;
                float* yrow = py + oh * outW;
                if (width == 8)
                {
                    for (int ow = 0; ow < done; ow += 8)
                    {
                        var sum = Vector256.Create(bias);
                        for (int kh = 0; kh < kH; kh++)
                        {
                            float* row = top + kh * dH + ow;
                            for (int kw = 0; kw < kW; kw++)
                                sum = Vector256.MultiplyAddEstimate(Vector256.Create(pw[kh * kW + kw]), Vector256.Load(row + kw * dW), sum);
                        }
                        sum.Store(yrow + ow);
                    }
                }
                else
                {
                    for (int ow = 0; ow < done; ow += 4)
                    {
                        var sum = Vector128.Create(bias);
                        for (int kh = 0; kh < kH; kh++)
                        {
                            float* row = top + kh * dH + ow;
                            for (int kw = 0; kw < kW; kw++)
                                sum = Vector128.MultiplyAddEstimate(Vector128.Create(pw[kh * kW + kw]), Vector128.Load(row + kw * dW), sum);
                        }
                        sum.Store(yrow + ow);
                    }
                }
            }
        }
        return done;
    }

    private static unsafe void Plane3x3Vector256(float* p, float* w, float bias, float floor, float* y, int outH, int outW, int done, int sH, int dH, int dW)
        => Plane3x3<Vector256<float>, F256>(p, w, bias, floor, y, outH, outW, done, sH, dH, dW);

    private static unsafe void Plane3x3Vector128(float* p, float* w, float bias, float floor, float* y, int outH, int outW, int done, int sH, int dH, int dW)
        => Plane3x3<Vector128<float>, F128>(p, w, bias, floor, y, outH, outW, done, sH, dH, dW);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Plane3x3<TVec, TOps>(float* p, float* w, float bias, float floor, float* y, int outH, int outW, int done, int sH, int dH, int dW)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        TVec w0 = TOps.Create(w[0]), w1 = TOps.Create(w[1]), w2 = TOps.Create(w[2]);
        TVec w3 = TOps.Create(w[3]), w4 = TOps.Create(w[4]), w5 = TOps.Create(w[5]);
        TVec w6 = TOps.Create(w[6]), w7 = TOps.Create(w[7]), w8 = TOps.Create(w[8]);
        var b = TOps.Create(bias);
        var lo = TOps.Create(floor);
        for (int oh = 0; oh < outH; oh++)
        {
            float* r0 = p + oh * sH, r1 = r0 + dH, r2 = r1 + dH;
            float* yrow = y + oh * outW;
            for (int ow = 0; ow < done; ow += TOps.Count)
            {
                var s0 = TOps.MultiplyAddEstimate(w0, TOps.Load(r0 + ow), b);
                var s1 = TOps.Multiply(w1, TOps.Load(r0 + ow + dW));
                var s2 = TOps.Multiply(w2, TOps.Load(r0 + ow + 2 * dW));
                s0 = TOps.MultiplyAddEstimate(w3, TOps.Load(r1 + ow), s0);
                s1 = TOps.MultiplyAddEstimate(w4, TOps.Load(r1 + ow + dW), s1);
                s2 = TOps.MultiplyAddEstimate(w5, TOps.Load(r1 + ow + 2 * dW), s2);
                s0 = TOps.MultiplyAddEstimate(w6, TOps.Load(r2 + ow), s0);
                s1 = TOps.MultiplyAddEstimate(w7, TOps.Load(r2 + ow + dW), s1);
                s2 = TOps.MultiplyAddEstimate(w8, TOps.Load(r2 + ow + 2 * dW), s2);
                TOps.Store(TOps.Max(TOps.Add(TOps.Add(s0, s1), s2), lo), yrow + ow);
            }
        }
    }

    /// <summary>The input plane into the middle of the zero-bordered one, row by row (one call per channel: with
    /// planes this small, a call per row costs as much as the copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void CopyPlane(float* src, float* dst, int rows, int n, int dstStride)
    {
        for (int r = 0; r < rows; r++, src += n, dst += dstStride)
        {
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(src + i), dst + i);
            else if (Vector128.IsHardwareAccelerated)
                for (; i + 4 <= n; i += 4) Vector128.Store(Vector128.Load(src + i), dst + i);
            for (; i < n; i++) dst[i] = src[i];
        }
    }
}
