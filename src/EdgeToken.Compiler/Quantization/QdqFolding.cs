using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Passes;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Runs a model that arrives quantized as QDQ (what ONNX Runtime's quantizer and <see cref="QdqExporter"/> write)
/// on the int8 kernels with the model's own scales and zero points, without re-quantizing it: every
/// <c>DequantizeLinear(int8 x) · DequantizeLinear(int8 constant w) [+ DequantizeLinear(int32 bias)] → Conv / Gemm / MatMul
/// [→ Relu / Clip] → QuantizeLinear(int8)</c> becomes one <c>EdgeToken.QConv</c> or <c>EdgeToken.QGemm</c> from the int8
/// x to the int8 y. The DequantizeLinear nodes nothing reads any more go with dead-node elimination. uint8 activations
/// are first re-expressed as int8 (<see cref="Uint8Activations"/>). QLinearConv and QLinearMatMul on int8 with constant
/// symmetric weights go the same way (<see cref="QLinearFolding"/>), and <c>DequantizeLinear → GlobalAveragePool →
/// QuantizeLinear</c> becomes <c>EdgeToken.QGlobalAveragePool</c>, and a GRU on DequantizeLinear'd int8 W and R (what
/// the export of <c>EdgeToken.QGru</c> writes) <c>EdgeToken.QGru</c> again, and <c>DequantizeLinear</c>'d int8 inputs
/// of an Add, Mul or Concat whose output is quantized to int8 <c>EdgeToken.QAdd</c>, <c>QMul</c> or <c>QConcat</c>, and a
/// chain of element-wise operators between them an <c>EdgeToken.QLookup</c>; a MaxPool or a view (Flatten, Reshape,
/// Squeeze, Unsqueeze, Identity) between a DequantizeLinear and a QuantizeLinear with the same parameters runs on the
/// int8 tensor.</summary>
/// <remarks>Runs before constant folding, which would otherwise turn the weights' DequantizeLinear into float constants
/// and lose the int8 values. Folded only when the weights are symmetric (zero point 0, per tensor or per output channel on
/// the output-channel axis) and x and y are int8 with one scale and zero point each; anything else stays as it came and
/// runs in float through the QuantizeLinear/DequantizeLinear operators. Requantization moves from float (round half to
/// even, as the QDQ graph defines it) to the fixed-point multiplier (half away from zero): results differ by at most one
/// quantization step, on exact halves.</remarks>
public sealed partial class QdqFolding : IGraphPass
{
    public string Name => "qdq-folding";

    public int Run(Graph graph)
    {
        int folded = Uint8Activations.ToInt8(graph);
        var uses = graph.BuildUses();
        foreach (var node in graph.Nodes.ToArray())
        {
            bool done = node.OpType switch
            {
                "Conv" or "Gemm" or "MatMul" => TryFold(graph, uses, node),
                "QLinearConv" or "QLinearMatMul" => QLinearFolding.TryFold(graph, node),
                "GlobalAveragePool" => TryFoldAveragePool(graph, uses, node),
                "Add" or "Mul" or "Concat" => TryFoldMerge(graph, uses, node),
                "QuantizeLinear" => TryFoldRoundTrip(graph, node) || TryFoldLookup(graph, uses, node),
                var op when Quantizer.IsPassThrough(op) => TryFoldPassThrough(graph, uses, node),
                "GRU" => TryFoldGru(graph, node),
                _ => false,
            };
            if (!done) continue;
            uses = graph.BuildUses();
            folded++;
        }
        return folded;
    }

    private static bool TryFold(Graph graph, Dictionary<Value, List<(Node Node, int Index)>> uses, Node node)
    {
        if (ActivationInput(node.Input(0)) is not var (xq, qx)) return false;
        if (node.Input(1)?.Producer is not { OpType: "DequantizeLinear" } dqw || dqw.Input(0)?.Constant is not { Type: ElementType.Int8 } wc)
            return false;
        var y = node.Output(0);
        if (y is null || xq.Dims is null || y.Dims is null) return false;

        // The layer's weights as rows [N, K], and the axis of the weight tensor that holds the output channels.
        bool conv = node.OpType == "Conv";
        bool transB = node.OpType == "Gemm" && node.Attributes.GetInt("transB", 0) != 0;
        if (conv ? xq.Dims.Length is not (3 or 4) || wc.Dims.Length != xq.Dims.Length : xq.Dims.Length != 2 || wc.Dims.Length != 2) return false;
        if (node.OpType == "Gemm" && (node.Attributes.GetInt("transA", 0) != 0 || node.Attributes.GetFloat("alpha", 1f) != 1f || node.Attributes.GetFloat("beta", 1f) != 1f))
            return false;
        int channelAxis = conv || transB ? 0 : 1;
        int n = wc.Dims[channelAxis];
        if (WeightScales(dqw, channelAxis, n) is not { } ws) return false;
        var rows = WeightRows(wc, channelAxis == 1);

        if (!TryBias(node, conv || node.OpType == "Gemm" ? node.Input(2) : null, n, qx.Scale, ws, out var bias)) return false;
        if (OutputQuantize(uses, y) is not var (activation, quantize, yq, qy)) return false;

        var geometry = conv ? Quantizer.ConvGeometry(node, xq.Dims, wc.Dims, qx.ZeroPoint) : NodeAttributes.Empty;
        var w = new Value($"{dqw.Input(0)!.Name}_rows") { Type = ElementType.Int8, Dims = conv ? wc.Dims : [n, wc.Dims[channelAxis == 0 ? 1 : 0]] };
        w.Constant = ConstantTensor.FromArray(ElementType.Int8, w.Dims, rows);
        var int8 = Quantizer.CreateInt8Node($"{node.Name}_int8", conv ? QConv.OpType : QGemm.OpType, geometry, xq, yq, w, bias, ws, qx, qy, activation.Fused, imported: true);
        graph.Nodes.Remove(node);
        if (activation.Node is not null) graph.Nodes.Remove(activation.Node);
        graph.Nodes.Remove(quantize);
        graph.Nodes.Add(int8);
        return true;
    }

    /// <summary><c>DequantizeLinear(int8 x) → GlobalAveragePool → QuantizeLinear(int8)</c> (what <see cref="QdqExporter"/>
    /// writes for <c>EdgeToken.QGlobalAveragePool</c>, and ONNX Runtime's quantizer for a pool between quantized layers)
    /// as one <c>EdgeToken.QGlobalAveragePool</c>.</summary>
    private static bool TryFoldAveragePool(Graph graph, Dictionary<Value, List<(Node Node, int Index)>> uses, Node node)
    {
        if (ActivationInput(node.Input(0)) is not var (xq, qx) || xq.Dims is not { Length: >= 3 } dims) return false;
        if (node.Output(0) is not { } y || OutputQuantize(uses, y) is not var (activation, quantize, yq, qy) || activation.Node is not null) return false;
        long plane = 1;
        for (int i = 2; i < dims.Length; i++) plane *= dims[i];
        if (plane is <= 0 or > Int8GlobalAveragePool.MaxPlane) return false;
        graph.Nodes.Remove(node);
        graph.Nodes.Remove(quantize);
        graph.Nodes.Add(Quantizer.CreateAveragePoolNode($"{node.Name}_int8", xq, yq, qx, qy, (int)plane));
        return true;
    }

    /// <summary><c>DequantizeLinear(int8) per input → Add / Mul / Concat → QuantizeLinear(int8)</c> (what
    /// <see cref="QdqExporter"/> writes for the int8 merges, and ONNX Runtime's quantizer for a residual Add or a Concat
    /// between quantized layers) as one <c>EdgeToken.QAdd</c>, <c>QMul</c> or <c>QConcat</c>: Add and Mul only on two
    /// inputs of the output's shape (the int8 kernels do not broadcast).</summary>
    private static bool TryFoldMerge(Graph graph, Dictionary<Value, List<(Node Node, int Index)>> uses, Node node)
    {
        if (node.Output(0) is not { Dims: { } dims } y || node.Inputs.Count == 0) return false;
        if (node.OpType == "Concat" ? !node.Attributes.Has("axis")
            : node.Inputs.Count != 2 || node.Inputs.Any(v => v?.Dims is not { } d || !d.AsSpan().SequenceEqual(dims)))
            return false;
        var inputs = node.Inputs.Select(ActivationInput).ToArray();
        if (inputs.Any(i => i is null)) return false;
        if (OutputQuantize(uses, y) is not var (activation, quantize, yq, qy) || activation.Node is not null) return false;
        graph.Nodes.Remove(node);
        graph.Nodes.Remove(quantize);
        graph.Nodes.Add(Quantizer.CreateMergeNode($"{node.Name}_int8", node, inputs.Select(i => i!.Value.Int8).ToArray(),
            inputs.Select(i => i!.Value.Parameters).ToArray(), yq, qy));
        return true;
    }

    /// <summary><c>QuantizeLinear(DequantizeLinear(x))</c> with the same scale and zero point on both, as an Identity or
    /// a view that an earlier pass removed leaves it: x itself, exactly (q → (q − z)·s → round((q − z)·s / s) + z = q).</summary>
    private static bool TryFoldRoundTrip(Graph graph, Node quantize)
    {
        if (quantize.Output(0) is not { Type: ElementType.Int8, IsGraphOutput: false } yq || Scalars(quantize) is not { } qy) return false;
        if (ActivationInput(quantize.Input(0)) is not var (xq, qx) || qx != qy) return false;
        graph.ReplaceAllUses(yq, xq);
        graph.Nodes.Remove(quantize);
        return true;
    }

    /// <summary><c>DequantizeLinear(int8) → element-wise float operators → QuantizeLinear(int8)</c> (what
    /// <see cref="QdqExporter"/> writes for <c>EdgeToken.QLookup</c>, and ONNX Runtime's quantizer for an activation
    /// between quantized layers) as one <c>EdgeToken.QLookup</c> whose table composes the chain: each of the 256 codes
    /// dequantized, run through the operators (<see cref="LookupStep"/>) and quantized. Every value of the chain has that
    /// chain as its only reader.</summary>
    private static bool TryFoldLookup(Graph graph, Dictionary<Value, List<(Node Node, int Index)>> uses, Node quantize)
    {
        if (quantize.Output(0) is not { Type: ElementType.Int8 } yq || Scalars(quantize) is not { } qy || quantize.Input(0) is not { } current) return false;
        var steps = new List<LookupStep>();
        var chain = new List<Node>();
        Node reader = quantize;
        while (GraphRewrites.SoleReader(uses, current) == reader && LookupStep.TryParse(current.Producer, graph.Opset, out var step, out var source))
        {
            steps.Insert(0, step);
            chain.Add(current.Producer!);
            if (ActivationInput(source) is var (xq, qx))
            {
                foreach (var n in chain) graph.Nodes.Remove(n);
                graph.Nodes.Remove(quantize);
                graph.Nodes.Add(Quantizer.CreateLookupNode($"{chain[^1].Name}_lookup", steps, xq, qx, yq, qy));
                return true;
            }
            reader = current.Producer!;
            current = source;
        }
        return false;
    }

    /// <summary><c>DequantizeLinear(int8) → MaxPool / Flatten / Reshape / Squeeze / Unsqueeze / Identity →
    /// QuantizeLinear(int8)</c> with the same scale and zero point on both sides (what ONNX Runtime's quantizer writes
    /// around a pool or a view between quantized layers): the operator on the int8 tensor itself, exact, since it only
    /// selects or moves values. MaxPool only without its indices output.</summary>
    private static bool TryFoldPassThrough(Graph graph, Dictionary<Value, List<(Node Node, int Index)>> uses, Node node)
    {
        if (!Quantizer.IsPassThrough(node.OpType) || node.Outputs.Count(o => o is not null) != 1 || node.Output(0) is not { } y) return false;
        if (ActivationInput(node.Input(0)) is not var (xq, qx)) return false;
        if (OutputQuantize(uses, y) is not var (activation, quantize, yq, qy) || activation.Node is not null || qy != qx) return false;
        var int8 = new Node($"{node.Name}_int8", node.OpType, node.Attributes, Quantizer.PassThroughInputs(node, xq), [yq]);
        yq.Producer = int8;
        graph.Nodes.Remove(node);
        graph.Nodes.Remove(quantize);
        graph.Nodes.Add(int8);
        return true;
    }

    /// <summary>x of the layer as <c>DequantizeLinear(int8 tensor, scalar scale, scalar zero point)</c>.</summary>
    private static (Value Int8, QuantizationParameters Parameters)? ActivationInput(Value? x)
    {
        if (x?.Producer is not { OpType: "DequantizeLinear" } dq || dq.Input(0) is not { Type: ElementType.Int8, IsConstant: false } xq) return null;
        return Scalars(dq) is { } p ? (xq, p) : null;
    }

    /// <summary>The scale and zero point of a per-tensor QuantizeLinear/DequantizeLinear with int8 on its integer side.</summary>
    private static QuantizationParameters? Scalars(Node q) => Parameters(q.Input(1), q.Input(2));

    /// <summary>A constant scalar scale and (absent or) int8 scalar zero point.</summary>
    internal static QuantizationParameters? Parameters(Value? scaleValue, Value? zp)
    {
        if (GraphRewrites.ScalarFloat(scaleValue) is not { } scale || !(scale > 0)) return null;
        if (zp is null) return new QuantizationParameters(scale, 0);
        if (zp.Constant is not { Type: ElementType.Int8, ElementCount: 1 } c) return null;
        return new QuantizationParameters(scale, c.AsSpan<sbyte>()[0]);
    }

    /// <summary>One scale per tensor or per output channel, with every zero point 0 (symmetric weights), or null.</summary>
    private static float[]? WeightScales(Node dqw, int channelAxis, int channels)
    {
        if (dqw.Attributes.GetInt("block_size", 0) != 0) return null;
        if (GraphRewrites.Floats(dqw.Input(1)) is not { } scales || scales.Any(s => !(s > 0))) return null;
        if (scales.Length != 1 && (scales.Length != channels || dqw.Attributes.GetInt("axis", 1) != channelAxis)) return null;
        if (dqw.Input(2) is { } zp && (zp.Constant is not { Type: ElementType.Int8 } zc || zc.AsSpan<sbyte>().IndexOfAnyExcept((sbyte)0) >= 0))
            return null;
        return scales;
    }

    /// <summary>The weights with one output channel per row: as stored for Conv and transposed Gemm, transposed from
    /// [K, N] for MatMul and Gemm without transB.</summary>
    internal static sbyte[] WeightRows(ConstantTensor w, bool transpose)
    {
        var src = w.AsSpan<sbyte>();
        if (!transpose) return src.ToArray();
        int k = w.Dims[0], n = w.Dims[1];
        var rows = new sbyte[n * k];
        for (int r = 0; r < k; r++)
            for (int c = 0; c < n; c++) rows[c * k + r] = src[r * n + c];
        return rows;
    }

    /// <summary>The bias in units of x_scale · w_scale[n]: from <c>DequantizeLinear(int32 constant)</c> as it is when its
    /// scale is that unit (as quantizers write it), otherwise rounded; or from a float constant; or zero.</summary>
    private static bool TryBias(Node node, Value? b, int n, float xScale, float[] ws, out int[] bias)
    {
        bias = new int[n];
        if (b is null) return true;
        double[] real;
        if (b.Constant is { } fc && fc.Type == ElementType.Float32 && fc.ElementCount == n)
            real = fc.ToDoubleArray();
        else if (b.Producer is { OpType: "DequantizeLinear" } dq && dq.Input(0)?.Constant is { Type: ElementType.Int32 } qc && qc.ElementCount == n
            && GraphRewrites.Floats(dq.Input(1)) is { } bs && (bs.Length == 1 || bs.Length == n)
            && (dq.Input(2) is null || dq.Input(2)!.Constant is { Type: ElementType.Int32 } zc && zc.AsSpan<int>().IndexOfAnyExcept(0) < 0))
        {
            var q = qc.AsSpan<int>();
            real = new double[n];
            for (int i = 0; i < n; i++) real[i] = (double)q[i] * bs[bs.Length == 1 ? 0 : i];
        }
        else return false;
        for (int i = 0; i < n; i++)
        {
            double unit = (double)xScale * ws[ws.Length == 1 ? 0 : i];
            bias[i] = (int)Math.Clamp(Math.Round(real[i] / unit, MidpointRounding.AwayFromZero), int.MinValue / 2, int.MaxValue / 2);
        }
        return true;
    }

    /// <summary>y's only reader is an int8 QuantizeLinear, or a Relu or Clip whose only reader is.</summary>
    private static ((Node? Node, FusedActivation Fused) Activation, Node Quantize, Value Output, QuantizationParameters Parameters)? OutputQuantize(
        Dictionary<Value, List<(Node Node, int Index)>> uses, Value y)
    {
        if (GraphRewrites.SoleReader(uses, y) is not { } reader) return null;
        (Node? Node, FusedActivation Fused) activation = (null, new FusedActivation("", 0f, 0f));
        if (reader.OpType is "Relu" or "Clip")
        {
            if (reader.Input(0) != y || reader.Output(0) is not { } a || GraphRewrites.SoleReader(uses, a) is not { } next) return null;
            if (reader.OpType == "Relu") activation = (reader, new FusedActivation("Relu", 0f, 0f));
            else
            {
                float lo = reader.Attributes.Has("min") ? reader.Attributes.GetFloat("min", float.MinValue) : reader.Input(1) is { } l ? GraphRewrites.ScalarFloat(l) ?? float.NaN : float.MinValue;
                float hi = reader.Attributes.Has("max") ? reader.Attributes.GetFloat("max", float.MaxValue) : reader.Input(2) is { } h ? GraphRewrites.ScalarFloat(h) ?? float.NaN : float.MaxValue;
                if (float.IsNaN(lo) || float.IsNaN(hi)) return null;
                activation = (reader, new FusedActivation("Clip", lo, hi));
            }
            reader = next;
        }
        if (reader.OpType != "QuantizeLinear" || reader.Output(0) is not { Type: ElementType.Int8 } yq || Scalars(reader) is not { } qy) return null;
        if (reader.Input(0) != (activation.Node?.Output(0) ?? y)) return null;
        return (activation, reader, yq, qy);
    }
}
