using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Pruning;

/// <summary>Structured pruning: removes the output channels of smallest L2 norm from a Gemm, MatMul or Conv whose only
/// reader is another such layer, and the matching input channels of that reader, so both weight tensors, the tensor
/// between them and therefore the plan's weights and arena really shrink.</summary>
/// <remarks>A removed channel's output is close to act(bias) (its weights were the smallest), so act(bias[c]) times the
/// reader's weights for channel c is folded into the reader's bias: the mean shift the removal would otherwise cause.
/// Only layers with no fused activation or a fused Relu are pruned (act is then known and cheap to fold); a grouped
/// Conv on either side, a graph output in between or a reader that is not a layer leaves the pair alone.</remarks>
public static class ChannelPruner
{
    public static List<PrunedLayer> Prune(Graph graph, double fraction, ISet<string> exclude)
    {
        if (fraction is < 0 or >= 1) throw new CompileException($"channel pruning fraction {fraction}: expected a fraction in [0, 1)");
        var result = new List<PrunedLayer>();
        if (fraction == 0) return result;
        foreach (var node in graph.Nodes.ToList())
        {
            if (exclude.Contains(node.Name) || LayerWeight.Of(node) is not { } a || !Prunable(node)) continue;
            var y = node.Outputs[0]!;
            var uses = graph.BuildUses();
            if (y.IsGraphOutput || !uses.TryGetValue(y, out var readers) || readers.Count != 1 || readers[0].Index != 0) continue;
            var reader = readers[0].Node;
            if (LayerWeight.Of(reader) is not { } b || !Fits(node, reader, a, b)) continue;
            if (uses.TryGetValue(a.Weight, out var wu) && wu.Count > 1 || uses.TryGetValue(b.Weight, out var bu) && bu.Count > 1) continue;
            var bias = node.Input(2);
            if (bias is not null && (bias.Constant is null || bias.Constant.ElementCount != a.Rows)) continue;

            int remove = Math.Min(a.Rows - 1, (int)Math.Round(a.Rows * fraction));
            if (remove <= 0) continue;
            var w = a.Read();
            var norms = new double[a.Rows];
            var order = new int[a.Rows];
            for (int r = 0; r < a.Rows; r++)
            {
                for (int c = 0; c < a.Cols; c++) norms[r] += (double)w[r * a.Cols + c] * w[r * a.Cols + c];
                order[r] = r;
            }
            Array.Sort(norms, order);
            var removed = order[..remove].ToHashSet();
            var keep = Enumerable.Range(0, a.Rows).Where(r => !removed.Contains(r)).ToArray();
            var biasValues = bias?.Constant!.AsSpan<float>().ToArray();

            FoldRemovedIntoReader(graph, node, reader, b, removed, biasValues);
            Shrink(a.Weight, a.KMajor ? 1 : 0, keep);
            if (bias is not null) Shrink(bias, 0, keep);
            Shrink(b.Weight, b.KMajor ? 0 : 1, keep);
            var after = LayerWeight.Of(node)!.Read();
            double total = norms.Sum(), removedEnergy = norms[..remove].Sum();
            result.Add(new PrunedLayer(node.Name, node.OpType, "channels", after.Length, after.LongCount(v => v == 0), remove, total == 0 ? 0 : removedEnergy / total));
        }
        if (result.Count > 0) ShapeInference.Infer(graph);
        return result;
    }

    private static bool Prunable(Node node) =>
        node.Attributes.GetString(FusedActivation.AttributeName, "") is "" or "Relu"
        && (node.OpType != "Conv" || node.Attributes.GetInt("group", 1) == 1);

    private static bool Fits(Node producer, Node reader, LayerWeight a, LayerWeight b) => reader.OpType switch
    {
        "Conv" => reader.Attributes.GetInt("group", 1) == 1 && producer.OpType == "Conv" && b.Weight.Dims![1] == a.Rows,
        _ => producer.OpType != "Conv" && b.Cols == a.Rows,
    };

    /// <summary>reader.bias[o] += Σ_{c removed} act(bias[c]) · Σ_kernel w_reader[o, c, ·].</summary>
    private static void FoldRemovedIntoReader(Graph graph, Node producer, Node reader, LayerWeight b, HashSet<int> removed, float[]? bias)
    {
        if (bias is null || reader.OpType == "MatMul") return;
        bool relu = producer.Attributes.GetString(FusedActivation.AttributeName, "") == "Relu";
        var w = b.Read();
        int perChannel = reader.OpType == "Conv" ? b.Cols / b.Weight.Dims![1] : 1;
        var shift = new float[b.Rows];
        foreach (int c in removed)
        {
            float v = relu ? Math.Max(0, bias[c]) : bias[c];
            if (v == 0) continue;
            for (int o = 0; o < b.Rows; o++)
                for (int t = 0; t < perChannel; t++) shift[o] += v * w[o * b.Cols + c * perChannel + t];
        }
        if (shift.All(s => s == 0)) return;
        var readerBias = reader.Input(2);
        if (readerBias is null)
        {
            readerBias = new Value($"{reader.Name}_bias") { Type = ElementType.Float32, Dims = [b.Rows] };
            while (reader.Inputs.Count < 3) reader.Inputs.Add(null);
            reader.Inputs[2] = readerBias;
        }
        else if (readerBias.Constant is null || readerBias.Constant.ElementCount != b.Rows) return;
        var sum = readerBias.Constant?.AsSpan<float>().ToArray() ?? new float[b.Rows];
        for (int o = 0; o < sum.Length; o++) sum[o] += shift[o];
        readerBias.Constant = ConstantTensor.FromArray(ElementType.Float32, [b.Rows], sum);
    }

    /// <summary>Keeps only the given indices of a constant along one axis.</summary>
    private static void Shrink(Value value, int axis, int[] keep)
    {
        var dims = value.Dims!;
        var src = value.Constant!.AsSpan<float>();
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        var dst = new float[outer * keep.Length * inner];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < keep.Length; j++)
                src.Slice((o * dims[axis] + keep[j]) * inner, inner).CopyTo(dst.AsSpan((o * keep.Length + j) * inner, inner));
        var newDims = (int[])dims.Clone();
        newDims[axis] = keep.Length;
        value.Dims = newDims;
        value.Constant = ConstantTensor.FromArray(ElementType.Float32, newDims, dst);
    }
}
