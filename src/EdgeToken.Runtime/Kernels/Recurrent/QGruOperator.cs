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

    /// <summary>B [directions, 6·hidden] (empty: none) folded as <see cref="Int8GruWeights"/> takes it, per direction: Wb + Rb,
    /// except the candidate's Rb under linear_before_reset, which r multiplies and which goes to <c>Rbh</c> [directions, hidden]
    /// instead (empty for the default form).</summary>
    public static (float[] Bias, float[] Rbh) FoldBias(ReadOnlySpan<float> b, int directions, int hidden, bool linearBeforeReset)
    {
        int gh = 3 * hidden;
        var bias = new float[directions * gh];
        var rbh = linearBeforeReset ? new float[directions * hidden] : [];
        if (b.IsEmpty) return (bias, rbh);
        if (b.Length < directions * 2 * gh) throw new ArgumentException($"GRU bias of {b.Length} floats, expected {directions * 2 * gh}");
        for (int d = 0; d < directions; d++)
        {
            var wb = b.Slice(d * 2 * gh, gh);
            var rb = b.Slice(d * 2 * gh + gh, gh);
            for (int i = 0; i < gh; i++) bias[d * gh + i] = wb[i] + (linearBeforeReset && i >= 2 * hidden ? 0f : rb[i]);
            if (linearBeforeReset) rb.Slice(2 * hidden, hidden).CopyTo(rbh.AsSpan(d * hidden, hidden));
        }
        return (bias, rbh);
    }

    /// <summary>Every direction's <see cref="Int8GruCell.U8RowSums(ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, int, int)"/> side by
    /// side, for <see cref="Run"/>; null when some direction's weights do not fit the u8 products (8-bit weights, as a
    /// rule). Made once, with the layer (the generated class keeps it in a static field).</summary>
    public static int[]? RowSums(ReadOnlySpan<sbyte> w, ReadOnlySpan<sbyte> r, RecurrentGeometry g)
    {
        int wBytes = Int8GruCell.PackedBytes(g.Hidden, g.Input), rBytes = Int8GruCell.PackedBytes(g.Hidden, g.Hidden), per = RowSumsPerDirection(g.Hidden);
        var all = new int[g.Directions * per];
        for (int d = 0; d < g.Directions; d++)
        {
            if (Int8GruCell.U8RowSums(w.Slice(d * wBytes, wBytes), r.Slice(d * rBytes, rBytes), g.Input, g.Hidden) is not { } sums) return null;
            sums.CopyTo(all, d * per);
        }
        return all;
    }

    private static int RowSumsPerDirection(int hidden) => 2 * 3 * Int8GruCell.PaddedHidden(hidden);

    /// <summary>Scratch bytes <see cref="Run"/> needs: the state, then <see cref="Int8GruCell.ScratchBytes"/>.</summary>
    public static int ScratchBytes(RecurrentGeometry g) => StateBytes(g.Hidden) + Int8GruCell.ScratchBytes(g.Input, g.Hidden);

    private static int StateBytes(int hidden) => (hidden * sizeof(float) + 63) & ~63;

    /// <summary>The whole layer on plain spans, as the kernel and the generated class run it: every direction and batch entry
    /// through <see cref="Int8GruCell"/>. <paramref name="bias"/> and <paramref name="rbh"/> come from <see cref="FoldBias"/>;
    /// <paramref name="initialH"/>, <paramref name="y"/> and <paramref name="yh"/> may be empty.</summary>
    /// <param name="rowSums">From <see cref="RowSums"/> for these W and R (made once, at build), or empty.</param>
    public static void Run(RecurrentGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<float> wScales, ReadOnlySpan<sbyte> r,
        ReadOnlySpan<float> rScales, ReadOnlySpan<float> bias, ReadOnlySpan<float> rbh, ReadOnlySpan<float> initialH, float clip, Span<float> y, Span<float> yh,
        Span<byte> scratch, ReadOnlySpan<int> rowSums = default)
    {
        int hidden = g.Hidden, gh = 3 * hidden, input = g.Input, steps = g.Sequence;
        int wBytes = Int8GruCell.PackedBytes(hidden, input), rBytes = Int8GruCell.PackedBytes(hidden, hidden);
        if (scratch.Length < ScratchBytes(g)) throw new ArgumentException($"{OpType}: scratch of {scratch.Length} bytes, needs {ScratchBytes(g)}");
        var h = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(scratch.Slice(0, hidden * sizeof(float)));
        var cell = scratch.Slice(StateBytes(hidden));
        // Row t of batch entry b: X is [sequence, batch, input] (layout 0) or [batch, sequence, input] (layout 1);
        // Y is [sequence, directions, batch, hidden] or [batch, sequence, directions, hidden].
        int xStride = g.Layout == 0 ? g.Batch * input : input;
        int yStride = g.Layout == 0 ? g.Directions * g.Batch * hidden : g.Directions * hidden;
        for (int d = 0; d < g.Directions; d++)
        {
            var weights = new Int8GruWeights(w.Slice(d * wBytes, wBytes), wScales.Slice(d * gh, gh), r.Slice(d * rBytes, rBytes), rScales.Slice(d * gh, gh),
                bias.Slice(d * gh, gh), rbh.IsEmpty ? default : rbh.Slice(d * hidden, hidden), input, hidden,
                rowSums.IsEmpty ? default : rowSums.Slice(d * RowSumsPerDirection(hidden), RowSumsPerDirection(hidden)));
            for (int b = 0; b < g.Batch; b++)
            {
                if (initialH.IsEmpty) h.Clear();
                else initialH.Slice(g.StateOffset(d, b), hidden).CopyTo(h);
                var ys = y.IsEmpty ? y : y.Slice(g.YOffset(0, d, b));
                Int8GruCell.Sequence(weights, x.Slice(g.Row(0, b) * input), xStride, clip, h, steps, g.IsReverse(d), ys, yStride, cell);
                if (!yh.IsEmpty) h.CopyTo(yh.Slice(g.StateOffset(d, b), hidden));
            }
        }
    }
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
        var b = node.HasInput(3) ? node.RequireConstant(3, "B").AsSpan<float>() : ReadOnlySpan<float>.Empty;
        var (bias, rbh) = QGru.FoldBias(b, g.Directions, g.Hidden, linear);
        // The row sums need W and R at build time; the quantizer always writes them as constants.
        var rowSums = node.Constant(1) is { } w && node.Constant(2) is { } r ? QGru.RowSums(w.AsSpan<sbyte>(), r.AsSpan<sbyte>(), g) : null;
        return new QGruKernel(g, bias, rbh, node.Attributes.GetFloat("clip", float.PositiveInfinity), rowSums);
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

    private sealed class QGruKernel(RecurrentGeometry g, float[] bias, float[] rbh, float clip, int[]? rowSums) : Kernel
    {
        public override int ScratchBytes => QGru.ScratchBytes(g);

        public override void Run(in KernelArgs args) =>
            QGru.Run(g, args.Input<float>(0), args.Input<sbyte>(1), args.Input<float>(QGru.WScaleInput), args.Input<sbyte>(2), args.Input<float>(QGru.RScaleInput),
                bias, rbh, args.HasInput(5) ? args.Input<float>(5) : default, clip,
                args.HasOutput(0) ? args.Output<float>(0) : default, args.HasOutput(1) ? args.Output<float>(1) : default, args.Scratch, rowSums);
    }
}
