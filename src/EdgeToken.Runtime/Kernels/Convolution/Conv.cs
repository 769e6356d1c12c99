using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>Conv, float32, 1-D to 3-D: groups, strides, pads, dilations, auto_pad, optional bias and a fused
/// activation. Depthwise convolutions (one input channel per group) run directly; unit-stride 1-D and 2-D ones
/// are an implicit GEMM over shifted rows of the padded input; everything else is im2col into packed panels
/// followed by the shared SGEMM.</summary>
public static class Conv
{
    /// <summary>The reference the kernels are tested against: the spec's definition as nested loops.</summary>
    internal static void Reference(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        int cg = g.ChannelsPerGroup, ocg = g.OutChannelsPerGroup;
        for (int n = 0; n < g.Batch; n++)
            for (int oc = 0; oc < g.OutChannels; oc++)
                for (int od = 0; od < g.Out[0]; od++)
                    for (int oh = 0; oh < g.Out[1]; oh++)
                        for (int ow = 0; ow < g.Out[2]; ow++)
                        {
                            float sum = bias.IsEmpty ? 0f : bias[oc];
                            for (int ci = 0; ci < cg; ci++)
                            {
                                int c = oc / ocg * cg + ci;
                                for (int kd = 0; kd < g.Kernel[0]; kd++)
                                    for (int kh = 0; kh < g.Kernel[1]; kh++)
                                        for (int kw = 0; kw < g.Kernel[2]; kw++)
                                        {
                                            int id = od * g.Stride[0] - g.PadBegin[0] + kd * g.Dilation[0];
                                            int ih = oh * g.Stride[1] - g.PadBegin[1] + kh * g.Dilation[1];
                                            int iw = ow * g.Stride[2] - g.PadBegin[2] + kw * g.Dilation[2];
                                            if (id < 0 || id >= g.In[0] || ih < 0 || ih >= g.In[1] || iw < 0 || iw >= g.In[2]) continue;
                                            float xv = x[(((n * g.Channels + c) * g.In[0] + id) * g.In[1] + ih) * g.In[2] + iw];
                                            float wv = w[(((oc * cg + ci) * g.Kernel[0] + kd) * g.Kernel[1] + kh) * g.Kernel[2] + kw];
                                            sum += xv * wv;
                                        }
                            }
                            y[(((n * g.OutChannels + oc) * g.Out[0] + od) * g.Out[1] + oh) * g.Out[2] + ow] = sum;
                        }
    }

    /// <summary>Sets every output channel plane to its bias (or zero) before products are accumulated.</summary>
    internal static void FillBias(Span<float> y, int channels, int plane, ReadOnlySpan<float> bias, bool hasBias)
    {
        for (int c = 0; c < channels; c++) y.Slice(c * plane, plane).Fill(hasBias ? bias[c] : 0f);
    }
}

internal sealed class ConvOperator : OperatorDefinition
{
    public override string OpType => "Conv";

    public override void InferOutputs(NodeContext node) =>
        node.SetOutput(0, ElementType.Float32, ConvGeometry.ForConv(node).OutputDims());

    public override Kernel CreateKernel(NodeContext node)
    {
        var g = ConvGeometry.ForConv(node);
        var activation = FusedActivation.From(node.Attributes);
        var w = node.Constant(1);
        if (DepthwiseConvKernel.Fits(g))
            return new DepthwiseConvKernel(g, w?.AsSpan<float>().ToArray(), node.HasInput(2), activation);
        if (ShiftedRowsConvKernel.Fits(g))
            return new ShiftedRowsConvKernel(g, w, node.HasInput(2), activation);
        return new Im2ColConvKernel(g, w, node.HasInput(2), activation);
    }
}
