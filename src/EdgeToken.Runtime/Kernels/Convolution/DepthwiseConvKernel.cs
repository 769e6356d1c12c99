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
                    int done = g.Stride[2] == 1 ? PlaneVector(padded, wc, b, yc) : 0;
                    PlaneScalar(padded, wc, b, yc, done);
                    _activation.Apply(yc);
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
    /// ARM64). Tap by tap over the row, so the multiply-adds of neighbouring vectors are independent (one running sum
    /// per vector would wait out the FMA latency at every tap). Returns how many columns of each row it wrote; the
    /// rest is left to <see cref="PlaneScalar"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe int PlaneVector(ReadOnlySpan<float> padded, ReadOnlySpan<float> wc, float bias, Span<float> yc)
    {
        int outH = _g.Out[1], outW = _g.Out[2], kH = _g.Kernel[1], kW = _g.Kernel[2], padW = _padW;
        int dH = _g.Dilation[1] * padW, dW = _g.Dilation[2], sH = _g.Stride[1] * padW;
        int width = Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 0;
        if (width == 0) return 0;
        int done = outW / width * width;
        fixed (float* p = padded)
        fixed (float* pw = wc)
        fixed (float* py = yc)
        {
            for (int oh = 0; oh < outH; oh++)
            {
                float* top = p + oh * sH;
                float* yrow = py + oh * outW;
                if (width == 8)
                {
                    var b = Vector256.Create(bias);
                    for (int ow = 0; ow < done; ow += 8) b.Store(yrow + ow);
                    for (int kh = 0; kh < kH; kh++)
                        for (int kw = 0; kw < kW; kw++)
                        {
                            var wv = Vector256.Create(pw[kh * kW + kw]);
                            float* row = top + kh * dH + kw * dW;
                            for (int ow = 0; ow < done; ow += 8)
                                Vector256.MultiplyAddEstimate(wv, Vector256.Load(row + ow), Vector256.Load(yrow + ow)).Store(yrow + ow);
                        }
                }
                else
                {
                    var b = Vector128.Create(bias);
                    for (int ow = 0; ow < done; ow += 4) b.Store(yrow + ow);
                    for (int kh = 0; kh < kH; kh++)
                        for (int kw = 0; kw < kW; kw++)
                        {
                            var wv = Vector128.Create(pw[kh * kW + kw]);
                            float* row = top + kh * dH + kw * dW;
                            for (int ow = 0; ow < done; ow += 4)
                                Vector128.MultiplyAddEstimate(wv, Vector128.Load(row + ow), Vector128.Load(yrow + ow)).Store(yrow + ow);
                        }
                }
            }
        }
        return done;
    }
}
