using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>Shapes of a 1-D or 2-D ConvInteger/QLinearConv: x [N, C, H, W], w [M, C/group, kH, kW] (1-D: H = kH = 1), the pads that
/// <c>auto_pad</c>, <c>pads</c>, <c>strides</c> and <c>dilations</c> give, and the output [N, M, OH, OW].
/// For every (output row, kernel row) the input row it reads is precomputed (or -1 in the padding), likewise
/// for columns, so the im2col fill has no bounds arithmetic.</summary>
internal sealed class ConvGeometry
{
    public int Batch, Channels, Height, Width, OutChannels, KernelH, KernelW, Group, OutH, OutW;
    /// <summary>[oh * KernelH + kh] -> input row or -1.</summary>
    public int[] RowMap = [];
    /// <summary>[ow * KernelW + kw] -> input column or -1.</summary>
    public int[] ColMap = [];

    public int GroupChannels => Channels / Group;
    public int GroupOutChannels => OutChannels / Group;
    /// <summary>Rows of the im2col matrix: one per (channel in group, kh, kw).</summary>
    public int PatchSize => GroupChannels * KernelH * KernelW;
    public int OutPixels => OutH * OutW;
    /// <summary>1 for a 1-D convolution (x [N, C, W], carried as H = 1), 2 for 2-D.</summary>
    public int SpatialRank;

    /// <summary>The output's shape at the node's own rank.</summary>
    public int[] OutputDims() => SpatialRank == 1 ? [Batch, OutChannels, OutW] : [Batch, OutChannels, OutH, OutW];

    public static ConvGeometry Create(NodeContext node, int xInput, int wInput)
    {
        var x = node.Input(xInput).Dims;
        var w = node.Input(wInput).Dims;
        if (x.Length is not (3 or 4) || w.Length != x.Length)
            throw new UnsupportedOperatorException($"{node.OpType} '{node.NodeName}': only 1-D and 2-D convolutions (rank-3 or rank-4 x and w) are run, got x {Shape.Format(x)} and w {Shape.Format(w)}");
        // A 1-D convolution is the 2-D one with H = kH = 1, stride and dilation 1 and no padding on that axis.
        int r = x.Length - 2;
        if (r == 1) { x = [x[0], x[1], 1, x[2]]; w = [w[0], w[1], 1, w[2]]; }
        var a = node.Attributes;
        int group = (int)a.GetInt("group", 1);
        if (group <= 0 || x[1] % group != 0 || w[0] % group != 0 || w[1] != x[1] / group)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': x {Shape.Format(x)} and w {Shape.Format(w)} do not fit group {group}");
        long[] kernel = a.GetInts("kernel_shape") ?? (r == 1 ? [w[3]] : [w[2], w[3]]);
        if (kernel.Length != r || kernel[^1] != w[3] || (r == 2 && kernel[0] != w[2]))
            throw new ShapeException($"{node.OpType} '{node.NodeName}': kernel_shape [{string.Join(", ", kernel)}] differs from w {Shape.Format(w)}");
        long[] strides = a.GetInts("strides") ?? (r == 1 ? [1] : [1, 1]);
        long[] dilations = a.GetInts("dilations") ?? (r == 1 ? [1] : [1, 1]);
        long[] pads = a.GetInts("pads") ?? new long[2 * r];
        if (strides.Length != r || dilations.Length != r || pads.Length != 2 * r)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': strides, dilations and pads must have {r}, {r} and {2 * r} values");
        if (r == 1) { strides = [1, strides[0]]; dilations = [1, dilations[0]]; pads = [0, pads[0], 0, pads[1]]; }
        string autoPad = a.GetString("auto_pad", "NOTSET");
        var g = new ConvGeometry
        {
            Batch = x[0], Channels = x[1], Height = x[2], Width = x[3], OutChannels = w[0], KernelH = w[2], KernelW = w[3], Group = group,
            SpatialRank = r,
        };
        (g.OutH, g.RowMap) = Axis(node, r == 1 ? "NOTSET" : autoPad, x[2], w[2], (int)strides[0], (int)dilations[0], pads[0], pads[2]);
        (g.OutW, g.ColMap) = Axis(node, autoPad, x[3], w[3], (int)strides[1], (int)dilations[1], pads[1], pads[3]);
        return g;
    }

    private static (int Out, int[] Map) Axis(NodeContext node, string autoPad, int size, int kernel, int stride, int dilation, long padBegin, long padEnd)
    {
        if (stride <= 0 || dilation <= 0) throw new ShapeException($"{node.OpType} '{node.NodeName}': strides and dilations must be positive");
        int span = (kernel - 1) * dilation + 1;
        int outSize;
        switch (autoPad)
        {
            case "NOTSET":
                outSize = (int)((size + padBegin + padEnd - span) / stride + 1);
                break;
            case "VALID":
                padBegin = 0;
                outSize = (size - span) / stride + 1;
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
                outSize = (size + stride - 1) / stride;
                long total = Math.Max(0, (long)(outSize - 1) * stride + span - size);
                padBegin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                break;
            default:
                throw new UnsupportedOperatorException($"{node.OpType} '{node.NodeName}': auto_pad '{autoPad}'");
        }
        if (outSize <= 0) throw new ShapeException($"{node.OpType} '{node.NodeName}': the kernel does not fit the padded input");
        var map = new int[outSize * kernel];
        for (int o = 0; o < outSize; o++)
            for (int k = 0; k < kernel; k++)
            {
                long i = (long)o * stride - padBegin + (long)k * dilation;
                map[o * kernel + k] = i >= 0 && i < size ? (int)i : -1;
            }
        return (outSize, map);
    }

    /// <summary>Fills col [PatchSize, OutPixels] with x[n, group's channels] - zeroPoint, 0 where the patch is in the padding
    /// (padding is the zero point, which the shift makes 0, as the reference pads the shifted input).</summary>
    public void Im2Col<T>(ReadOnlySpan<T> x, int n, int group, int zeroPoint, Span<int> col) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int plane = Height * Width;
        int p = 0;
        for (int c = 0; c < GroupChannels; c++)
        {
            var src = x.Slice(((n * Channels) + group * GroupChannels + c) * plane, plane);
            for (int kh = 0; kh < KernelH; kh++)
                for (int kw = 0; kw < KernelW; kw++, p++)
                {
                    var row = col.Slice(p * OutPixels, OutPixels);
                    int o = 0;
                    for (int oh = 0; oh < OutH; oh++)
                    {
                        int ih = RowMap[oh * KernelH + kh];
                        if (ih < 0) { row.Slice(o, OutW).Clear(); o += OutW; continue; }
                        var line = src.Slice(ih * Width, Width);
                        for (int ow = 0; ow < OutW; ow++, o++)
                        {
                            int iw = ColMap[ow * KernelW + kw];
                            row[o] = iw < 0 ? 0 : int.CreateTruncating(line[iw]) - zeroPoint;
                        }
                    }
                }
        }
    }

    /// <summary>Scratch layout: shifted weights [M, PatchSize], then im2col [PatchSize, OutPixels], then one accumulator plane per group's outputs.</summary>
    public int WeightInts => OutChannels * PatchSize;
    public int ColumnInts => PatchSize * OutPixels;
    public int AccumulatorInts => GroupOutChannels * OutPixels;
}
