using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>Depthwise Conv (one input channel per group, 1-D or 2-D): computed directly, one output row at a
/// time, as a sum of scaled input rows. im2col would copy each input value kernel-size times for a matrix
/// multiply with a single row, which is all overhead.</summary>
/// <remarks>With stride 1 along W each tap is one vector multiply-add over the output positions whose input
/// is in bounds; other strides gather with a scalar loop.</remarks>
internal sealed class DepthwiseConvKernel(ConvGeometry g, float[]? weights, bool hasBias, FusedActivation activation) : Kernel
{
    public static bool Fits(ConvGeometry g) => g.ChannelsPerGroup == 1 && g.Kernel[0] == 1 && g.In[0] == 1 && g.PadBegin[0] == 0 && g.PadEnd[0] == 0;

    public override void Run(in KernelArgs args)
    {
        var x = args.Input<float>(0);
        ReadOnlySpan<float> w = weights ?? args.Input<float>(1);
        var y = args.Output<float>(0);
        ReadOnlySpan<float> bias = hasBias ? args.Input<float>(2) : default;
        int inH = g.In[1], inW = g.In[2], outH = g.Out[1], outW = g.Out[2];
        int kH = g.Kernel[1], kW = g.Kernel[2], sH = g.Stride[1], sW = g.Stride[2];
        int ocg = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                var xc = x.Slice((n * g.Channels + oc / ocg) * inH * inW, inH * inW);
                var yc = y.Slice((n * g.OutChannels + oc) * outH * outW, outH * outW);
                var wc = w.Slice(oc * kH * kW, kH * kW);
                yc.Fill(hasBias ? bias[oc] : 0f);
                for (int oh = 0; oh < outH; oh++)
                {
                    var yrow = yc.Slice(oh * outW, outW);
                    for (int kh = 0; kh < kH; kh++)
                    {
                        int ih = oh * sH - g.PadBegin[1] + kh * g.Dilation[1];
                        if ((uint)ih >= (uint)inH) continue;
                        var xrow = xc.Slice(ih * inW, inW);
                        for (int kw = 0; kw < kW; kw++)
                        {
                            float wv = wc[kh * kW + kw];
                            int offset = kw * g.Dilation[2] - g.PadBegin[2];
                            // Output positions ow whose input ow*sW + offset lies inside the row.
                            int lo = offset >= 0 ? 0 : (-offset + sW - 1) / sW;
                            int hi = inW - 1 - offset < 0 ? 0 : Math.Min(outW, (inW - 1 - offset) / sW + 1);
                            if (hi <= lo) continue;
                            if (sW == 1)
                            {
                                var dst = yrow.Slice(lo, hi - lo);
                                TensorPrimitives.MultiplyAdd(xrow.Slice(lo + offset, hi - lo), wv, dst, dst);
                            }
                            else
                            {
                                for (int ow = lo; ow < hi; ow++) yrow[ow] += wv * xrow[ow * sW + offset];
                            }
                        }
                    }
                }
            }
        activation.Apply(y);
    }
}
