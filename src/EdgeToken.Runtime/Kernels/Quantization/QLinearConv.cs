using System.Numerics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>QLinearConv (1-D and 2-D): the int32 convolution of the zero-point-shifted x and w, plus the int32 bias, requantized
/// with x_scale * w_scale[m] / y_scale (float32, then double, as <see cref="QLinearMatMul"/>). w_scale and
/// w_zero_point are per tensor or per output channel.</summary>
internal sealed class QLinearConvOperator : OperatorDefinition
{
    public override string OpType => "QLinearConv";

    public override void InferOutputs(NodeContext node)
    {
        var g = Geometry(node);
        node.SetOutput(0, node.Input(7).Type, g.OutputDims());
    }

    public override Kernel CreateKernel(NodeContext node) => new QLinearConvKernel(Geometry(node), node.Input(0).Type, node.Input(3).Type, node.Input(7).Type);

    private static ConvGeometry Geometry(NodeContext node)
    {
        var tx = node.ExpectType(0, ElementType.UInt8, ElementType.Int8);
        var tw = node.ExpectType(3, ElementType.UInt8, ElementType.Int8);
        node.ExpectType(7, ElementType.UInt8, ElementType.Int8);
        foreach (int scale in (int[])[1, 4, 6]) node.ExpectType(scale, ElementType.Float32);
        var g = ConvGeometry.Create(node, 0, 3);
        if (node.Input(2).Type != tx || node.Input(5).Type != tw)
            throw new ShapeException($"QLinearConv '{node.NodeName}': a zero point's type differs from its operand's");
        if (node.Input(1).ElementCount != 1 || node.Input(2).ElementCount != 1 || node.Input(6).ElementCount != 1 || node.Input(7).ElementCount != 1)
            throw new ShapeException($"QLinearConv '{node.NodeName}': x and y scales and zero points must be scalars");
        foreach (int i in (int[])[4, 5])
            if (node.Input(i).ElementCount != 1 && node.Input(i).ElementCount != g.OutChannels)
                throw new ShapeException($"QLinearConv '{node.NodeName}': input {i} must be a scalar or one per output channel ({g.OutChannels})");
        if (node.HasInput(8))
        {
            node.ExpectType(8, ElementType.Int32);
            if (node.Input(8).ElementCount != g.OutChannels)
                throw new ShapeException($"QLinearConv '{node.NodeName}': bias {Shape.Format(node.Input(8).Dims)} must have {g.OutChannels} values");
        }
        return g;
    }

    private sealed class QLinearConvKernel(ConvGeometry g, ElementType tx, ElementType tw, ElementType ty) : Kernel
    {
        public override int ScratchBytes => (g.WeightInts + g.ColumnInts + g.AccumulatorInts) * sizeof(int);

        public override void Run(in KernelArgs args)
        {
            switch (tx, tw, ty)
            {
                case (ElementType.UInt8, ElementType.UInt8, ElementType.UInt8): Run<byte, byte, byte>(args); break;
                case (ElementType.UInt8, ElementType.Int8, ElementType.UInt8): Run<byte, sbyte, byte>(args); break;
                case (ElementType.Int8, ElementType.UInt8, ElementType.Int8): Run<sbyte, byte, sbyte>(args); break;
                case (ElementType.Int8, ElementType.Int8, ElementType.Int8): Run<sbyte, sbyte, sbyte>(args); break;
                case (ElementType.UInt8, ElementType.UInt8, _): Run<byte, byte, sbyte>(args); break;
                case (ElementType.UInt8, ElementType.Int8, _): Run<byte, sbyte, sbyte>(args); break;
                case (ElementType.Int8, ElementType.UInt8, _): Run<sbyte, byte, byte>(args); break;
                default: Run<sbyte, sbyte, byte>(args); break;
            }
        }

        private void Run<TX, TW, TY>(in KernelArgs args)
            where TX : unmanaged, IBinaryInteger<TX>
            where TW : unmanaged, IBinaryInteger<TW>
            where TY : unmanaged, IBinaryInteger<TY>, IMinMaxValue<TY>
        {
            int xZero = int.CreateTruncating(args.Input<TX>(2)[0]);
            var emit = new RequantizedOutput<TY>(args.Output<TY>(0), g, args.Input<float>(1)[0], args.Input<float>(4), args.Input<float>(6)[0],
                int.CreateTruncating(args.Input<TY>(7)[0]), args.HasInput(8) ? args.Input<int>(8) : default);
            ConvInteger.Run(g, args.Input<TX>(0), xZero, args.Input<TW>(3), args.Input<TW>(5), args.Scratch, ref emit);
        }
    }

    private readonly ref struct RequantizedOutput<TY>(Span<TY> y, ConvGeometry g, float xScale, ReadOnlySpan<float> wScale, float yScale,
        int yZero, ReadOnlySpan<int> bias) : IConvOutput
        where TY : unmanaged, IBinaryInteger<TY>, IMinMaxValue<TY>
    {
        private readonly Span<TY> _y = y;
        private readonly ReadOnlySpan<float> _wScale = wScale;
        private readonly ReadOnlySpan<int> _bias = bias;

        public void Write(ReadOnlySpan<int> accumulators, int image, int firstChannel)
        {
            int pixels = g.OutPixels;
            for (int c = 0; c < g.GroupOutChannels; c++)
            {
                int m = firstChannel + c;
                double multiplier = QLinearMatMul.Multiplier(xScale, _wScale[_wScale.Length == 1 ? 0 : m], yScale);
                int b = _bias.IsEmpty ? 0 : _bias[m];
                var acc = accumulators.Slice(c * pixels, pixels);
                var y = _y.Slice((image * g.OutChannels + m) * pixels, pixels);
                for (int p = 0; p < pixels; p++) y[p] = QLinearMatMul.Requantize<TY>(acc[p] + b, multiplier, yZero);
            }
        }
    }
}
