using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>The window geometry of one MaxPool or AveragePool node, widened to 3-D like
/// <see cref="Convolution.ConvGeometry"/>. Output sizes follow the ONNX spec: floor or (ceil_mode) ceil of
/// (in + pads - effective kernel) / stride + 1, minus one when the last window would start past the input and
/// its leading padding; SAME_* gives ceil(in / stride) with the missing padding split end-first (UPPER) or
/// start-first (LOWER); VALID pads nothing.</summary>
internal sealed class PoolGeometry
{
    public int Batch, Channels, SpatialRank;
    public readonly int[] In = [1, 1, 1], Kernel = [1, 1, 1], Out = [1, 1, 1];
    public readonly int[] Stride = [1, 1, 1], Dilation = [1, 1, 1], PadBegin = [0, 0, 0], PadEnd = [0, 0, 0];

    public int InSpatial => In[0] * In[1] * In[2];
    public int OutSpatial => Out[0] * Out[1] * Out[2];

    public int[] OutputDims()
    {
        var dims = new int[2 + SpatialRank];
        dims[0] = Batch;
        dims[1] = Channels;
        for (int i = 0; i < SpatialRank; i++) dims[2 + i] = Out[3 - SpatialRank + i];
        return dims;
    }

    public static PoolGeometry From(NodeContext node)
    {
        var x = node.Input(0).Dims;
        int r = x.Length - 2;
        if (r < 1) throw new ShapeException($"{node.OpType} '{node.NodeName}': X must be [N, C, spatial...], got {Shape.Format(x)}");
        if (r > 3) throw new UnsupportedOperatorException($"{node.OpType} '{node.NodeName}': {r}-D pooling (EdgeToken pools 1-D to 3-D)");
        var kernel = node.Attributes.GetInts("kernel_shape")
            ?? throw new ShapeException($"{node.OpType} '{node.NodeName}': kernel_shape is required");
        if (kernel.Length != r) throw new ShapeException($"{node.OpType} '{node.NodeName}': kernel_shape has {kernel.Length} values for {r} spatial dimensions");
        var strides = node.Attributes.GetInts("strides");
        var dilations = node.Attributes.GetInts("dilations");
        var pads = node.Attributes.GetInts("pads");
        string autoPad = node.Attributes.GetString("auto_pad", "NOTSET");
        bool ceil = node.Attributes.GetInt("ceil_mode", 0) != 0;
        if (pads is not null && pads.Length != 2 * r)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': pads has {pads.Length} values, expected {2 * r}");
        var g = new PoolGeometry { Batch = x[0], Channels = x[1], SpatialRank = r };
        for (int i = 0; i < r; i++)
        {
            int d = 3 - r + i;
            g.In[d] = x[2 + i];
            g.Kernel[d] = (int)kernel[i];
            if (strides is not null) g.Stride[d] = (int)strides[i];
            if (dilations is not null) g.Dilation[d] = (int)dilations[i];
            if (g.Kernel[d] < 1 || g.Stride[d] < 1 || g.Dilation[d] < 1)
                throw new ShapeException($"{node.OpType} '{node.NodeName}': kernel_shape, strides and dilations must be positive");
            int eff = (g.Kernel[d] - 1) * g.Dilation[d] + 1;
            switch (autoPad)
            {
                case "NOTSET":
                    if (pads is not null) { g.PadBegin[d] = (int)pads[i]; g.PadEnd[d] = (int)pads[r + i]; }
                    int span = g.In[d] + g.PadBegin[d] + g.PadEnd[d] - eff;
                    if (span < 0) throw new ShapeException($"{node.OpType} '{node.NodeName}': the window ({eff}) is larger than the padded input");
                    int o = ceil ? (span + g.Stride[d] - 1) / g.Stride[d] + 1 : span / g.Stride[d] + 1;
                    // The last window must start inside the input or its leading padding.
                    if (ceil && (o - 1) * g.Stride[d] >= g.In[d] + g.PadBegin[d]) o--;
                    g.Out[d] = o;
                    break;
                case "VALID":
                    if (eff > g.In[d]) throw new ShapeException($"{node.OpType} '{node.NodeName}': the window ({eff}) is larger than the input");
                    g.Out[d] = (g.In[d] - eff) / g.Stride[d] + 1;
                    break;
                case "SAME_UPPER":
                case "SAME_LOWER":
                    g.Out[d] = (g.In[d] + g.Stride[d] - 1) / g.Stride[d];
                    int total = Math.Max(0, (g.Out[d] - 1) * g.Stride[d] + eff - g.In[d]);
                    g.PadBegin[d] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                    g.PadEnd[d] = total - g.PadBegin[d];
                    break;
                default:
                    throw new ShapeException($"{node.OpType} '{node.NodeName}': auto_pad '{autoPad}' is not one ONNX defines");
            }
        }
        return g;
    }

    /// <summary>The taps [lo, hi) of a window starting at <paramref name="start"/> whose positions
    /// start + k*dilation fall inside [lowBound, highBound).</summary>
    public static void Taps(int start, int dilation, int kernel, int lowBound, int highBound, out int lo, out int hi)
    {
        lo = start >= lowBound ? 0 : (lowBound - start + dilation - 1) / dilation;
        int last = highBound - 1 - start;
        hi = last < 0 ? 0 : Math.Min(kernel, last / dilation + 1);
        if (hi < lo) hi = lo;
    }
}
