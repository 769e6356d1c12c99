using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary><c>EdgeToken.QGru</c>, the quantizer's GRU with int8 weights (<see cref="Int8GruCell"/>): float in, float out,
/// the outputs of ONNX's GRU (Y, Y_h), default gate functions only. Inputs:
/// <list type="number">
/// <item>X float [sequence, batch, input] ([batch, sequence, input] with layout 1);</item>
/// <item>W int8 [directions, 3·PaddedHidden, PaddedDepth(input)], each direction packed by <see cref="Int8GruCell.Pack"/>;</item>
/// <item>R int8 [directions, 3·PaddedHidden, PaddedDepth(hidden)], packed alike;</item>
/// <item>B float [directions, 6·hidden], ONNX's Wb and Rb (optional, constant);</item>
/// <item>sequence_lens: must be absent;</item>
/// <item>initial_h float (optional);</item>
/// <item>W_scale float [directions, 3·hidden], one per row of ONNX's W;</item>
/// <item>R_scale float [directions, 3·hidden], one per row of ONNX's R.</item>
/// </list>
/// Attributes: hidden_size (required), direction, linear_before_reset, clip, layout, as GRU.</summary>
public static class QGru
{
    public const string OpType = "EdgeToken.QGru";
    public const int WScaleInput = 6;
    public const int RScaleInput = 7;
}

internal sealed class QGruOperator : OperatorDefinition
{
    public override string OpType => QGru.OpType;

    public override void InferOutputs(NodeContext node)
    {
        var g = Geometry(node);
        node.SetOutput(0, ElementType.Float32, g.YDims);
        node.SetOutput(1, ElementType.Float32, g.StateDims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var g = Geometry(node);
        bool linear = node.Attributes.GetInt("linear_before_reset", 0) != 0;
        int h = g.Hidden, gh = 3 * h;
        var bias = new float[g.Directions * gh];
        var rbh = linear ? new float[g.Directions * h] : [];
        if (node.HasInput(3))
        {
            var b = node.RequireConstant(3, "B").AsSpan<float>();
            for (int d = 0; d < g.Directions; d++)
            {
                var wb = b.Slice(d * 2 * gh, gh);
                var rb = b.Slice(d * 2 * gh + gh, gh);
                // As RecurrentWeights folds it: Rb joins Wb except the candidate's under linear_before_reset, which r multiplies.
                for (int i = 0; i < gh; i++) bias[d * gh + i] = wb[i] + (linear && i >= 2 * h ? 0f : rb[i]);
                if (linear) rb.Slice(2 * h, h).CopyTo(rbh.AsSpan(d * h, h));
            }
        }
        return new QGruKernel(g, bias, rbh, node.Attributes.GetFloat("clip", float.PositiveInfinity));
    }

    /// <summary>Reads and checks the attributes and input shapes.</summary>
    internal static RecurrentGeometry Geometry(NodeContext node)
    {
        string where = $"{QGru.OpType} '{node.NodeName}'";
        node.ExpectType(0, ElementType.Float32);
        node.ExpectType(1, ElementType.Int8);
        node.ExpectType(2, ElementType.Int8);
        string direction = node.Attributes.GetString("direction", "forward");
        int directions = direction switch
        {
            "forward" or "reverse" => 1,
            "bidirectional" => 2,
            _ => throw new ShapeException($"{where}: direction '{direction}' is not forward, reverse or bidirectional"),
        };
        int layout = (int)node.Attributes.GetInt("layout", 0);
        if (layout is not (0 or 1)) throw new ShapeException($"{where}: layout {layout} is not 0 or 1");
        int hidden = (int)node.Attributes.GetInt("hidden_size", 0);
        if (hidden <= 0) throw new ShapeException($"{where}: hidden_size {hidden} must be given and above 0");
        var x = node.Input(0).Dims;
        if (x.Length != 3 || x[2] <= 0) throw new ShapeException($"{where}: X has shape {Shape.Format(x)}, expected rank 3 with input > 0");
        int sequence = layout == 0 ? x[0] : x[1], batch = layout == 0 ? x[1] : x[0], input = x[2];
        int rows = 3 * Int8GruCell.PaddedHidden(hidden);
        RecurrentGeometry.Expect(where, "W", node.Input(1).Dims, [directions, rows, Int8GruCell.PaddedDepth(input)]);
        RecurrentGeometry.Expect(where, "R", node.Input(2).Dims, [directions, rows, Int8GruCell.PaddedDepth(hidden)]);
        if (node.HasInput(3))
        {
            node.ExpectType(3, ElementType.Float32);
            RecurrentGeometry.Expect(where, "B", node.Input(3).Dims, [directions, 6 * hidden]);
        }
        if (node.HasInput(4)) throw new ShapeException($"{where}: sequence_lens is not supported by the int8 GRU (the quantizer leaves such a GRU float)");
        var g = new RecurrentGeometry(sequence, batch, input, hidden, 3, directions, direction == "reverse", layout);
        if (node.HasInput(5))
        {
            node.ExpectType(5, ElementType.Float32);
            RecurrentGeometry.Expect(where, "initial_h", node.Input(5).Dims, g.StateDims);
        }
        foreach (var (i, name) in new[] { (QGru.WScaleInput, "W_scale"), (QGru.RScaleInput, "R_scale") })
        {
            if (!node.HasInput(i)) throw new ShapeException($"{where}: {name} (input {i}) is missing");
            node.ExpectType(i, ElementType.Float32);
            RecurrentGeometry.Expect(where, name, node.Input(i).Dims, [directions, 3 * hidden]);
        }
        return g;
    }

    private sealed class QGruKernel(RecurrentGeometry g, float[] bias, float[] rbh, float clip) : Kernel
    {
        private int StateBytes => (g.Hidden * sizeof(float) + 63) & ~63;

        public override int ScratchBytes => StateBytes + Int8GruCell.ScratchBytes(g.Input, g.Hidden, g.Sequence);

        public override void Run(in KernelArgs args)
        {
            int hidden = g.Hidden, gh = 3 * hidden, input = g.Input, steps = g.Sequence;
            int wBytes = Int8GruCell.PackedBytes(hidden, input), rBytes = Int8GruCell.PackedBytes(hidden, hidden);
            var x = args.Input<float>(0);
            var w = args.Input<sbyte>(1);
            var r = args.Input<sbyte>(2);
            var ws = args.Input<float>(QGru.WScaleInput);
            var rs = args.Input<float>(QGru.RScaleInput);
            var y = args.HasOutput(0) ? args.Output<float>(0) : Span<float>.Empty;
            var h = args.ScratchAs<float>(0, hidden);
            var scratch = args.Scratch.Slice(StateBytes);
            // Row t of batch entry b: X is [sequence, batch, input] (layout 0) or [batch, sequence, input] (layout 1);
            // Y is [sequence, directions, batch, hidden] or [batch, sequence, directions, hidden].
            int xStride = g.Layout == 0 ? g.Batch * input : input;
            int yStride = g.Layout == 0 ? g.Directions * g.Batch * hidden : g.Directions * hidden;
            for (int d = 0; d < g.Directions; d++)
            {
                var weights = new Int8GruWeights(w.Slice(d * wBytes, wBytes), ws.Slice(d * gh, gh), r.Slice(d * rBytes, rBytes), rs.Slice(d * gh, gh),
                    bias.AsSpan(d * gh, gh), rbh.Length == 0 ? default : rbh.AsSpan(d * hidden, hidden), input, hidden);
                for (int b = 0; b < g.Batch; b++)
                {
                    if (args.HasInput(5)) args.Input<float>(5).Slice(g.StateOffset(d, b), hidden).CopyTo(h);
                    else h.Clear();
                    var xs = x.Slice(g.Row(0, b) * input);
                    var ys = y.IsEmpty ? y : y.Slice(g.YOffset(0, d, b));
                    Int8GruCell.Sequence(weights, xs, xStride, clip, h, steps, g.IsReverse(d), ys, yStride, scratch);
                    if (args.HasOutput(1)) h.CopyTo(args.Output<float>(1).Slice(g.StateOffset(d, b), hidden));
                }
            }
        }
    }
}
