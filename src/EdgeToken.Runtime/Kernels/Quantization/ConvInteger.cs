using System.Numerics;
using System.Runtime.InteropServices;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>ConvInteger (1-D and 2-D): int32 y = conv(x - x_zero_point, w - w_zero_point) via im2col and <see cref="IntegerGemm"/>.
/// x_zero_point is per tensor; w_zero_point per tensor or per output channel.</summary>
public static class ConvInteger
{
    /// <summary>Direct definition, for tests: every output is a sum over the group's channels and the kernel window.</summary>
    public static void Scalar(ReadOnlySpan<int> x, ReadOnlySpan<int> w, Span<int> y, int n, int c, int h, int wd, int m, int kh, int kw,
        int group, int strideH, int strideW, int padTop, int padLeft, int dilH, int dilW, int outH, int outW)
    {
        int cg = c / group, mg = m / group;
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < m; oc++)
            {
                int g = oc / mg;
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                    {
                        int sum = 0;
                        for (int ic = 0; ic < cg; ic++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int ih = oh * strideH - padTop + i * dilH, iw = ow * strideW - padLeft + j * dilW;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    sum += x[((b * c + g * cg + ic) * h + ih) * wd + iw] * w[((oc * cg + ic) * kh + i) * kw + j];
                                }
                        y[((b * m + oc) * outH + oh) * outW + ow] = sum;
                    }
            }
    }

    /// <summary>The shared im2col loop: for each image and group, the int32 accumulators of the group's output
    /// channels are handed to <paramref name="emit"/> (a struct, so the call inlines and nothing is allocated).</summary>
    internal static void Run<TX, TW, TEmit>(ConvGeometry g, ReadOnlySpan<TX> x, int xZeroPoint, ReadOnlySpan<TW> w, ReadOnlySpan<TW> wZeroPoint,
        Span<byte> scratch, ref TEmit emit)
        where TX : unmanaged, IBinaryInteger<TX>
        where TW : unmanaged, IBinaryInteger<TW>
        where TEmit : IConvOutput, allows ref struct
    {
        var weights = MemoryMarshal.Cast<byte, int>(scratch).Slice(0, g.WeightInts);
        var col = MemoryMarshal.Cast<byte, int>(scratch).Slice(g.WeightInts, g.ColumnInts);
        var acc = MemoryMarshal.Cast<byte, int>(scratch).Slice(g.WeightInts + g.ColumnInts, g.AccumulatorInts);
        IntegerGemm.Widen(w, wZeroPoint, 0, rowWise: true, g.OutChannels, g.PatchSize, weights);
        for (int n = 0; n < g.Batch; n++)
            for (int group = 0; group < g.Group; group++)
            {
                g.Im2Col(x, n, group, xZeroPoint, col);
                IntegerGemm.Run(weights.Slice(group * g.GroupOutChannels * g.PatchSize, g.GroupOutChannels * g.PatchSize), col, acc,
                    g.GroupOutChannels, g.PatchSize, g.OutPixels);
                emit.Write(acc, n, group * g.GroupOutChannels);
            }
    }
}

/// <summary>Where a group's int32 accumulators go: straight to an int32 output, or requantized.</summary>
internal interface IConvOutput
{
    void Write(ReadOnlySpan<int> accumulators, int image, int firstChannel);
}

internal sealed class ConvIntegerOperator : OperatorDefinition
{
    public override string OpType => "ConvInteger";

    public override void InferOutputs(NodeContext node)
    {
        var g = Geometry(node);
        node.SetOutput(0, ElementType.Int32, g.OutputDims());
    }

    public override Kernel CreateKernel(NodeContext node) => new ConvIntegerKernel(Geometry(node), node.Input(0).Type, node.Input(1).Type);

    private static ConvGeometry Geometry(NodeContext node)
    {
        var tx = node.ExpectType(0, ElementType.UInt8, ElementType.Int8);
        var tw = node.ExpectType(1, ElementType.UInt8, ElementType.Int8);
        var g = ConvGeometry.Create(node, 0, 1);
        if (node.HasInput(2) && (node.Input(2).Type != tx || node.Input(2).ElementCount != 1))
            throw new ShapeException($"ConvInteger '{node.NodeName}': x_zero_point must be one {tx.OnnxName()} value");
        if (node.HasInput(3) && (node.Input(3).Type != tw || (node.Input(3).ElementCount != 1 && node.Input(3).ElementCount != g.OutChannels)))
            throw new ShapeException($"ConvInteger '{node.NodeName}': w_zero_point must be one {tw.OnnxName()} value or one per output channel");
        return g;
    }

    private sealed class ConvIntegerKernel(ConvGeometry g, ElementType tx, ElementType tw) : Kernel
    {
        public override int ScratchBytes => (g.WeightInts + g.ColumnInts + g.AccumulatorInts) * sizeof(int);

        public override void Run(in KernelArgs args)
        {
            switch (tx, tw)
            {
                case (ElementType.UInt8, ElementType.UInt8): Run<byte, byte>(args); break;
                case (ElementType.UInt8, _): Run<byte, sbyte>(args); break;
                case (_, ElementType.UInt8): Run<sbyte, byte>(args); break;
                default: Run<sbyte, sbyte>(args); break;
            }
        }

        private void Run<TX, TW>(in KernelArgs args) where TX : unmanaged, IBinaryInteger<TX> where TW : unmanaged, IBinaryInteger<TW>
        {
            int xZero = args.HasInput(2) ? int.CreateTruncating(args.Input<TX>(2)[0]) : 0;
            var emit = new Int32Output(args.Output<int>(0), g);
            ConvInteger.Run(g, args.Input<TX>(0), xZero, args.Input<TW>(1), args.HasInput(3) ? args.Input<TW>(3) : default, args.Scratch, ref emit);
        }
    }

    private readonly ref struct Int32Output(Span<int> y, ConvGeometry g) : IConvOutput
    {
        private readonly Span<int> _y = y;

        public void Write(ReadOnlySpan<int> accumulators, int image, int firstChannel) =>
            accumulators.CopyTo(_y.Slice((image * g.OutChannels + firstChannel) * g.OutPixels));
    }
}
