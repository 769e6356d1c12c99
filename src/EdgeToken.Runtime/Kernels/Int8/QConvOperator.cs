using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary><c>EdgeToken.QConv</c>, the quantizer's convolution, 1-D or 2-D, grouped or depthwise, on
/// <see cref="Int8Conv"/>. Inputs: x int8 [N, C, W] or [N, C, H, W]; w int8 [M, C/group, kW] or [M, C/group, kH, kW],
/// a constant quantized symmetric per output channel (or per tensor); bias int32 [M], a constant in units of
/// x_scale · w_scale[m] with <c>-x_zero_point · Σ w[m, :]</c> already folded in. Attributes: <c>group</c>,
/// <c>strides</c>, <c>dilations</c>, explicit <c>pads</c> (ONNX order: begins then ends; the compiler resolves auto_pad),
/// <c>input_zero_point</c> (what the padding holds), and <see cref="QGemm"/>'s requantization attributes
/// (<c>multipliers</c>, <c>shifts</c>, <c>output_zero_point</c>, <c>min</c>, <c>max</c>).</summary>
public static class QConv
{
    public const string OpType = "EdgeToken.QConv";
}

internal sealed class QConvOperator : OperatorDefinition
{
    public override string OpType => QConv.OpType;

    public override void InferOutputs(NodeContext node)
    {
        var g = Geometry(node);
        var dims = node.Input(0).Dims.Length == 3 ? new[] { node.Input(0).Dims[0], g.OutChannels, g.OutW } : [node.Input(0).Dims[0], g.OutChannels, g.OutH, g.OutW];
        node.SetOutput(0, ElementType.Int8, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var g = Geometry(node);
        // The packed copy needs the weights at build time; they always are (the compiler writes QConv with constant weights).
        var w = node.RequireConstant(1, "the weights");
        return CreateKernel(node, g, new Int8ConvWeights(g, w.AsSpan<sbyte>(), Int8Paths.Best));
    }

    /// <summary>The kernel over <paramref name="weights"/> laid out for <paramref name="g"/>, with the node's requantization
    /// (shared with <c>EdgeToken.QSparseConv</c>, whose bias is input 3).</summary>
    internal static Kernel CreateKernel(NodeContext node, Int8ConvGeometry g, Int8ConvWeights weights, int biasInput = 2)
    {
        var a = node.Attributes;
        long[] multipliers = a.GetInts("multipliers") ?? throw new ShapeException($"{node.OpType} '{node.NodeName}': missing attribute multipliers");
        long[] shifts = a.GetInts("shifts") ?? throw new ShapeException($"{node.OpType} '{node.NodeName}': missing attribute shifts");
        if (multipliers.Length != shifts.Length || (multipliers.Length != 1 && multipliers.Length != g.OutChannels))
            throw new ShapeException($"{node.OpType} '{node.NodeName}': {multipliers.Length} multipliers and {shifts.Length} shifts for {g.OutChannels} output channels");
        var scales = new FixedPointMultiplier[multipliers.Length];
        for (int i = 0; i < scales.Length; i++) scales[i] = new FixedPointMultiplier((int)multipliers[i], (int)shifts[i]);
        int outputZeroPoint = (int)a.GetInt("output_zero_point", 0), min = (int)a.GetInt("min", sbyte.MinValue), max = (int)a.GetInt("max", sbyte.MaxValue);
        // The 32-bit requantization needs the bias to bound the sums: a constant, as the compiler always writes it.
        var narrow = node.Constant(biasInput) is { } bias ? weights.Narrow(bias.AsSpan<int>(), scales, outputZeroPoint, min, max) : null;
        return new QConvKernel(g, weights, node.Input(0).Dims[0], scales, (int)a.GetInt("input_zero_point", 0), outputZeroPoint, min, max, biasInput, narrow);
    }

    /// <param name="weightDims">W's dims when input 1 is not the dense weight (a sparse conv's compressed values).</param>
    /// <param name="biasInput">Where the int32 bias is.</param>
    internal static Int8ConvGeometry Geometry(NodeContext node, int[]? weightDims = null, int biasInput = 2)
    {
        node.ExpectType(0, ElementType.Int8);
        node.ExpectType(1, ElementType.Int8);
        node.ExpectType(biasInput, ElementType.Int32);
        var x = node.Input(0).Dims;
        var w = weightDims ?? node.Input(1).Dims;
        if (x.Length is not (3 or 4) || w.Length != x.Length)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': x {Shape.Format(x)} and w {Shape.Format(w)} must both be rank 3 (1-D) or rank 4 (2-D)");
        if (node.Input(biasInput).ElementCount != w[0])
            throw new ShapeException($"{node.OpType} '{node.NodeName}': bias {Shape.Format(node.Input(biasInput).Dims)} must have {w[0]} values");
        var a = node.Attributes;
        int group = (int)a.GetInt("group", 1);
        if (group <= 0 || x[1] % group != 0 || w[1] != x[1] / group)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': x {Shape.Format(x)} and w {Shape.Format(w)} do not fit group {group}");
        bool twoD = x.Length == 4;
        int r = x.Length - 2;
        long[] strides = a.GetInts("strides") ?? (twoD ? [1, 1] : [1]);
        long[] dilations = a.GetInts("dilations") ?? (twoD ? [1, 1] : [1]);
        long[] pads = a.GetInts("pads") ?? new long[2 * r];
        if (strides.Length != r || dilations.Length != r || pads.Length != 2 * r)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': strides, dilations and pads must have {r}, {r} and {2 * r} values");
        try
        {
            return twoD
                ? Int8ConvGeometry.Create(x[1], x[2], x[3], w[0], w[2], w[3], group, ((int)strides[0], (int)strides[1]),
                    ((int)dilations[0], (int)dilations[1]), ((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]))
                : Int8ConvGeometry.Create(x[1], 1, x[2], w[0], 1, w[2], group, (1, (int)strides[0]), (1, (int)dilations[0]),
                    (0, (int)pads[0], 0, (int)pads[1]));
        }
        catch (ArgumentException e)
        {
            throw new ShapeException($"{node.OpType} '{node.NodeName}': {e.Message}");
        }
    }

    private sealed class QConvKernel(Int8ConvGeometry g, Int8ConvWeights weights, int batch, FixedPointMultiplier[] scales, int inputZeroPoint, int outputZeroPoint,
        int min, int max, int biasInput, NarrowRequantization[]? narrow) : Kernel
    {
        public override int ScratchBytes => g.ScratchBytes;

        public override string? Description => weights.Description;

        public override void Run(in KernelArgs args)
        {
            var x = args.Input<sbyte>(0);
            var bias = args.Input<int>(biasInput);
            var y = args.Output<sbyte>(0);
            int inSize = g.Channels * g.Height * g.Width, outSize = g.OutChannels * g.OutPixels;
            for (int n = 0; n < batch; n++)
                weights.Run(x.Slice(n * inSize, inSize), bias, scales, inputZeroPoint, outputZeroPoint, min, max,
                    y.Slice(n * outSize, outSize), args.Scratch, narrow);
        }
    }
}
