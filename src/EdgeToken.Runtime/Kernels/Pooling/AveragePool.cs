using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>AveragePool, 1-D to 3-D, float32. The divisor is the number of window taps on real input, or with
/// count_include_pad = 1 the taps on the explicitly padded input (taps that ceil_mode pushes past the end
/// padding are never counted).</summary>
public static class AveragePool
{
    internal static void Run(PoolGeometry g, ReadOnlySpan<float> x, Span<float> y, bool countIncludePad)
    {
        int inD = g.In[0], inH = g.In[1], inW = g.In[2];
        int planes = g.Batch * g.Channels, inPlane = g.InSpatial, outPlane = g.OutSpatial;
        for (int pl = 0; pl < planes; pl++)
        {
            var xp = x.Slice(pl * inPlane, inPlane);
            int yi = pl * outPlane;
            for (int od = 0; od < g.Out[0]; od++)
            {
                int sd = od * g.Stride[0] - g.PadBegin[0];
                PoolGeometry.Taps(sd, g.Dilation[0], g.Kernel[0], 0, inD, out int d0, out int d1);
                int nd = Count(sd, 0, g, countIncludePad, d1 - d0);
                for (int oh = 0; oh < g.Out[1]; oh++)
                {
                    int sh = oh * g.Stride[1] - g.PadBegin[1];
                    PoolGeometry.Taps(sh, g.Dilation[1], g.Kernel[1], 0, inH, out int h0, out int h1);
                    int nh = Count(sh, 1, g, countIncludePad, h1 - h0);
                    for (int ow = 0; ow < g.Out[2]; ow++, yi++)
                    {
                        int sw = ow * g.Stride[2] - g.PadBegin[2];
                        PoolGeometry.Taps(sw, g.Dilation[2], g.Kernel[2], 0, inW, out int w0, out int w1);
                        int nw = Count(sw, 2, g, countIncludePad, w1 - w0);
                        float sum = 0f;
                        for (int kd = d0; kd < d1; kd++)
                        {
                            int id = sd + kd * g.Dilation[0];
                            for (int kh = h0; kh < h1; kh++)
                            {
                                int rowStart = (id * inH + sh + kh * g.Dilation[1]) * inW + sw;
                                for (int kw = w0; kw < w1; kw++) sum += xp[rowStart + kw * g.Dilation[2]];
                            }
                        }
                        int count = nd * nh * nw;
                        y[yi] = count == 0 ? float.NaN : sum / count;
                    }
                }
            }
        }
    }

    private static int Count(int start, int d, PoolGeometry g, bool countIncludePad, int realTaps)
    {
        if (!countIncludePad) return realTaps;
        PoolGeometry.Taps(start, g.Dilation[d], g.Kernel[d], -g.PadBegin[d], g.In[d] + g.PadEnd[d], out int lo, out int hi);
        return hi - lo;
    }
}

internal sealed class AveragePoolOperator : OperatorDefinition
{
    public override string OpType => "AveragePool";

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, ElementType.Float32);
        node.SetOutput(0, ElementType.Float32, PoolGeometry.From(node).OutputDims());
    }

    public override Kernel CreateKernel(NodeContext node) =>
        new AveragePoolKernel(PoolGeometry.From(node), node.Attributes.GetInt("count_include_pad", 0) != 0);

    private sealed class AveragePoolKernel(PoolGeometry g, bool countIncludePad) : Kernel
    {
        public override void Run(in KernelArgs args) => AveragePool.Run(g, args.Input<float>(0), args.Output<float>(0), countIncludePad);
    }
}
