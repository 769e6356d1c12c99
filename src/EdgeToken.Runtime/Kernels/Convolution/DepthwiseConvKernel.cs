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
/// With stride 1 along W the output row is computed a vector at a time (<see cref="RowVector"/>); other strides
/// and the row's tail take <see cref="RowScalar"/>, the reference the vector path is tested against.</remarks>
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

    public override void Run(in KernelArgs args)
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
        for (int n = 0; n < g.Batch; n++)
            for (int c = 0; c < g.Channels; c++)
            {
                var xc = x.Slice((n * g.Channels + c) * inPlane, inPlane);
                for (int ih = 0; ih < inH; ih++)
                    xc.Slice(ih * inW, inW).CopyTo(padded.Slice((ih + g.PadBegin[1]) * _padW + g.PadBegin[2], inW));
                for (int m = 0; m < ocg; m++)
                {
                    int oc = c * ocg + m;
                    var yc = y.Slice((n * g.OutChannels + oc) * outPlane, outPlane);
                    var wc = w.Slice(oc * kH * kW, kH * kW);
                    float b = _hasBias ? bias[oc] : 0f;
                    for (int oh = 0; oh < outH; oh++)
                    {
                        var yrow = yc.Slice(oh * outW, outW);
                        int done = g.Stride[2] == 1 ? RowVector(padded, oh * g.Stride[1] * _padW, _padW, wc, b, yrow) : 0;
                        RowScalar(padded, oh * g.Stride[1] * _padW, _padW, wc, b, yrow, done);
                    }
                    _activation.Apply(yc);
                }
            }
    }

    /// <summary>Output positions <paramref name="from"/>.. of one row, one at a time: bias plus every tap, read from
    /// the padded plane starting at <paramref name="top"/> (the row the first kernel row lands on).</summary>
    internal void RowScalar(ReadOnlySpan<float> padded, int top, int padW, ReadOnlySpan<float> wc, float bias, Span<float> yrow, int from)
    {
        int kH = _g.Kernel[1], kW = _g.Kernel[2], dH = _g.Dilation[1] * padW, dW = _g.Dilation[2], sW = _g.Stride[2];
        for (int ow = from; ow < yrow.Length; ow++)
        {
            float sum = bias;
            for (int kh = 0; kh < kH; kh++)
            {
                int at = top + kh * dH + ow * sW;
                for (int kw = 0; kw < kW; kw++) sum += wc[kh * kW + kw] * padded[at + kw * dW];
            }
            yrow[ow] = sum;
        }
    }

    /// <summary>With stride 1 along W: whole vectors of output positions (Vector256, or Vector128 on ARM64), each tap
    /// one multiply-add of a shifted input vector. Returns how many positions it wrote; the tail is left to
    /// <see cref="RowScalar"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe int RowVector(ReadOnlySpan<float> padded, int top, int padW, ReadOnlySpan<float> wc, float bias, Span<float> yrow)
    {
        int kH = _g.Kernel[1], kW = _g.Kernel[2], dH = _g.Dilation[1] * padW, dW = _g.Dilation[2];
        int outW = yrow.Length, ow = 0;
        fixed (float* p = padded)
        fixed (float* pw = wc)
        fixed (float* py = yrow)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                for (; ow + 8 <= outW; ow += 8)
                {
                    var sum = Vector256.Create(bias);
                    for (int kh = 0; kh < kH; kh++)
                    {
                        float* row = p + top + kh * dH + ow;
                        for (int kw = 0; kw < kW; kw++)
                            sum = Vector256.MultiplyAddEstimate(Vector256.Create(pw[kh * kW + kw]), Vector256.Load(row + kw * dW), sum);
                    }
                    sum.Store(py + ow);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; ow + 4 <= outW; ow += 4)
                {
                    var sum = Vector128.Create(bias);
                    for (int kh = 0; kh < kH; kh++)
                    {
                        float* row = p + top + kh * dH + ow;
                        for (int kw = 0; kw < kW; kw++)
                            sum = Vector128.MultiplyAddEstimate(Vector128.Create(pw[kh * kW + kw]), Vector128.Load(row + kw * dW), sum);
                    }
                    sum.Store(py + ow);
                }
            }
        }
        return ow;
    }
}
