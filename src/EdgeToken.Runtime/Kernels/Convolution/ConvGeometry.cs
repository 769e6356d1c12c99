using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Convolution;

/// <summary>The sizes of one Conv or ConvTranspose node, with 1-D and 2-D problems widened to 3-D by leading
/// spatial dimensions of size 1 (stride 1, no padding), so one implementation serves every rank.</summary>
internal sealed class ConvGeometry
{
    public int Batch, Channels, OutChannels, Groups, SpatialRank;
    public readonly int[] In = [1, 1, 1], Kernel = [1, 1, 1], Out = [1, 1, 1];
    public readonly int[] Stride = [1, 1, 1], Dilation = [1, 1, 1], PadBegin = [0, 0, 0], PadEnd = [0, 0, 0];
    public readonly int[] OutputPadding = [0, 0, 0];

    public int ChannelsPerGroup => Channels / Groups;
    public int OutChannelsPerGroup => OutChannels / Groups;
    public int InSpatial => In[0] * In[1] * In[2];
    public int OutSpatial => Out[0] * Out[1] * Out[2];
    public int KernelVolume => Kernel[0] * Kernel[1] * Kernel[2];
    public int EffectiveKernel(int d) => (Kernel[d] - 1) * Dilation[d] + 1;

    /// <summary>The output's full shape [N, OC, spatial...] at the node's own rank.</summary>
    public int[] OutputDims()
    {
        var dims = new int[2 + SpatialRank];
        dims[0] = Batch;
        dims[1] = OutChannels;
        for (int i = 0; i < SpatialRank; i++) dims[2 + i] = Out[3 - SpatialRank + i];
        return dims;
    }

    /// <summary>Reads X, W and the shared attributes (strides, dilations, group, kernel_shape); pads and output
    /// sizes are left to the caller because Conv and ConvTranspose derive them differently.</summary>
    /// <param name="weightDims">W's dims when input 1 is not the dense weight (a sparse conv's compressed values).</param>
    /// <param name="biasInput">Where the optional bias is.</param>
    public static ConvGeometry Read(NodeContext node, bool transposed, int[]? weightDims = null, int biasInput = 2)
    {
        node.ExpectType(0, ElementType.Float32);
        node.ExpectType(1, ElementType.Float32);
        var x = node.Input(0).Dims;
        var w = weightDims ?? node.Input(1).Dims;
        int r = x.Length - 2;
        if (r < 1) throw new ShapeException($"{node.OpType} '{node.NodeName}': X must be [N, C, spatial...], got {Shape.Format(x)}");
        if (r > 3) throw new UnsupportedOperatorException($"{node.OpType} '{node.NodeName}': {r}-D convolution (EdgeToken runs 1-D to 3-D)");
        if (w.Length != x.Length)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': W {Shape.Format(w)} must have the rank of X {Shape.Format(x)}");
        var g = new ConvGeometry { Batch = x[0], Channels = x[1], SpatialRank = r };
        g.Groups = (int)node.Attributes.GetInt("group", 1);
        if (g.Groups < 1 || g.Channels % g.Groups != 0)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': {g.Channels} channels do not split into {g.Groups} groups");
        if (transposed)
        {
            if (w[0] != g.Channels) throw new ShapeException($"{node.OpType} '{node.NodeName}': W {Shape.Format(w)} should start with C = {g.Channels}");
            g.OutChannels = w[1] * g.Groups;
        }
        else
        {
            if (w[1] != g.ChannelsPerGroup || w[0] % g.Groups != 0)
                throw new ShapeException($"{node.OpType} '{node.NodeName}': W {Shape.Format(w)} does not fit {g.Channels} channels in {g.Groups} groups");
            g.OutChannels = w[0];
        }
        int o = 3 - r;
        var kernelShape = node.Attributes.GetInts("kernel_shape");
        var strides = node.Attributes.GetInts("strides");
        var dilations = node.Attributes.GetInts("dilations");
        for (int i = 0; i < r; i++)
        {
            g.In[o + i] = x[2 + i];
            g.Kernel[o + i] = w[2 + i];
            if (kernelShape is not null && kernelShape.Length == r && kernelShape[i] != w[2 + i])
                throw new ShapeException($"{node.OpType} '{node.NodeName}': kernel_shape {string.Join(",", kernelShape)} disagrees with W {Shape.Format(w)}");
            if (strides is not null) g.Stride[o + i] = (int)strides[i];
            if (dilations is not null) g.Dilation[o + i] = (int)dilations[i];
            if (g.Stride[o + i] < 1 || g.Dilation[o + i] < 1)
                throw new ShapeException($"{node.OpType} '{node.NodeName}': strides and dilations must be positive");
        }
        if (node.HasInput(biasInput))
        {
            node.ExpectType(biasInput, ElementType.Float32);
            var b = node.Input(biasInput).Dims;
            if (b.Length != 1 || b[0] != g.OutChannels)
                throw new ShapeException($"{node.OpType} '{node.NodeName}': bias {Shape.Format(b)} should be [{g.OutChannels}]");
        }
        return g;
    }

    /// <summary>Explicit pads from the attribute, [x1_begin, x2_begin, ..., x1_end, x2_end, ...].</summary>
    public void ReadPads(NodeContext node)
    {
        var pads = node.Attributes.GetInts("pads");
        if (pads is null) return;
        if (pads.Length != 2 * SpatialRank)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': pads has {pads.Length} values, expected {2 * SpatialRank}");
        for (int i = 0; i < SpatialRank; i++)
        {
            PadBegin[3 - SpatialRank + i] = (int)pads[i];
            PadEnd[3 - SpatialRank + i] = (int)pads[SpatialRank + i];
        }
    }

    public static string AutoPad(NodeContext node)
    {
        string autoPad = node.Attributes.GetString("auto_pad", "NOTSET");
        return autoPad switch
        {
            "NOTSET" or "SAME_UPPER" or "SAME_LOWER" or "VALID" => autoPad,
            _ => throw new ShapeException($"{node.OpType} '{node.NodeName}': auto_pad '{autoPad}' is not one ONNX defines"),
        };
    }

    /// <summary>Splits a total padding as SAME_UPPER (extra at the end) or SAME_LOWER (extra at the start) do.</summary>
    /// <remarks>Halving floors (as the spec's reference does) so a negative total, which ConvTranspose's
    /// output_shape can ask for, lands at the end like an output_padding.</remarks>
    public void SplitSamePadding(int d, int total, bool upper)
    {
        int half = (int)Math.Floor(total / 2.0);
        PadBegin[d] = upper ? half : total - half;
        PadEnd[d] = total - PadBegin[d];
    }

    /// <summary>Conv's geometry: output sizes from pads, or pads from auto_pad.</summary>
    public static ConvGeometry ForConv(NodeContext node, int[]? weightDims = null, int biasInput = 2)
    {
        var g = Read(node, transposed: false, weightDims, biasInput);
        string autoPad = AutoPad(node);
        if (autoPad == "NOTSET") g.ReadPads(node);
        for (int d = 3 - g.SpatialRank; d < 3; d++)
        {
            int eff = g.EffectiveKernel(d);
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                g.Out[d] = (g.In[d] + g.Stride[d] - 1) / g.Stride[d];
                g.SplitSamePadding(d, Math.Max(0, (g.Out[d] - 1) * g.Stride[d] + eff - g.In[d]), autoPad == "SAME_UPPER");
            }
            else
            {
                int span = g.In[d] + g.PadBegin[d] + g.PadEnd[d] - eff;
                if (span < 0)
                    throw new ShapeException($"{node.OpType} '{node.NodeName}': the kernel ({eff} with dilation) is larger than the padded input ({g.In[d] + g.PadBegin[d] + g.PadEnd[d]})");
                g.Out[d] = span / g.Stride[d] + 1;
            }
        }
        return g;
    }
}
