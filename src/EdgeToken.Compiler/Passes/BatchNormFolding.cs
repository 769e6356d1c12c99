using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Passes;

/// <summary>Folds an inference BatchNormalization into the Conv or Gemm before it:
/// with s = scale / sqrt(var + eps), the weights of output channel c become W[c]·s[c] and the bias
/// (b[c] − mean[c])·s[c] + B[c]. The normalisation then costs nothing at run time.</summary>
public sealed class BatchNormFolding : IGraphPass
{
    public string Name => "batchnorm-folding";

    public int Run(Graph graph)
    {
        int folded = 0;
        var uses = graph.BuildUses();
        foreach (var bn in graph.Nodes.ToArray())
        {
            if (bn.OpType != "BatchNormalization" || bn.Attributes.GetInt("training_mode", 0) != 0) continue;
            if (bn.Outputs.Skip(1).Any(o => o is not null)) continue;
            var x = bn.Input(0)!;
            if (x.Producer is not { } producer || GraphRewrites.SoleReader(uses, x) != bn) continue;
            var scale = GraphRewrites.Floats(bn.Input(1));
            var beta = GraphRewrites.Floats(bn.Input(2));
            var mean = GraphRewrites.Floats(bn.Input(3));
            var variance = GraphRewrites.Floats(bn.Input(4));
            if (scale is null || beta is null || mean is null || variance is null) continue;
            float eps = bn.Attributes.GetFloat("epsilon", 1e-5f);
            var s = new float[scale.Length];
            for (int c = 0; c < s.Length; c++) s[c] = scale[c] / MathF.Sqrt(variance[c] + eps);

            bool done = producer.OpType switch
            {
                "Conv" => FoldIntoConv(producer, s, beta, mean),
                "Gemm" => FoldIntoGemm(producer, s, beta, mean),
                _ => false,
            };
            if (!done) continue;
            var y = bn.Outputs[0]!;
            graph.ReplaceAllUses(x, y);
            GraphRewrites.Redirect(producer, x, y);
            graph.Nodes.Remove(bn);
            uses = graph.BuildUses();
            folded++;
        }
        return folded;
    }

    private static bool FoldIntoConv(Node conv, float[] s, float[] beta, float[] mean)
    {
        var w = conv.Input(1);
        if (w?.Constant is not { Type: ElementType.Float32 } wc || wc.Dims[0] != s.Length) return false;
        float[]? bias = conv.Input(2) is { } b ? GraphRewrites.Floats(b) : new float[s.Length];
        if (bias is null || bias.Length != s.Length) return false;
        var weights = wc.AsSpan<float>().ToArray();
        int perChannel = weights.Length / s.Length;
        for (int c = 0; c < s.Length; c++)
            for (int k = 0; k < perChannel; k++) weights[c * perChannel + k] *= s[c];
        var newBias = new float[s.Length];
        for (int c = 0; c < s.Length; c++) newBias[c] = (bias[c] - mean[c]) * s[c] + beta[c];
        SetInput(conv, 1, GraphRewrites.NewConstant(w.Name + "_bnfold", wc.Dims, weights));
        SetInput(conv, 2, GraphRewrites.NewConstant(conv.Name + "_bias_bnfold", [s.Length], newBias));
        return true;
    }

    private static bool FoldIntoGemm(Node gemm, float[] s, float[] beta, float[] mean)
    {
        var w = gemm.Input(1);
        if (w?.Constant is not { Type: ElementType.Float32 } wc || wc.Dims.Length != 2) return false;
        bool transB = gemm.Attributes.GetInt("transB", 0) != 0;
        int n = transB ? wc.Dims[0] : wc.Dims[1];
        if (n != s.Length) return false;
        float alpha = gemm.Attributes.GetFloat("alpha", 1f), betaAttr = gemm.Attributes.GetFloat("beta", 1f);
        float[] c = new float[n];
        if (gemm.Input(2) is { } cv)
        {
            var cvals = GraphRewrites.Floats(cv);
            if (cvals is null) return false;
            if (cvals.Length == 1) Array.Fill(c, cvals[0]);
            else if (cvals.Length == n && cv.Dims!.Length <= 2 && (cv.Dims.Length == 1 || cv.Dims[0] == 1)) c = cvals;
            else return false; // a per-row bias does not fold into a per-column one
        }
        var weights = wc.AsSpan<float>().ToArray();
        int k = weights.Length / n;
        for (int i = 0; i < weights.Length; i++)
        {
            int col = transB ? i / k : i % n;
            weights[i] *= alpha * s[col];
        }
        var bias = new float[n];
        for (int j = 0; j < n; j++) bias[j] = (betaAttr * c[j] - mean[j]) * s[j] + beta[j];
        SetInput(gemm, 1, GraphRewrites.NewConstant(w.Name + "_bnfold", wc.Dims, weights));
        while (gemm.Inputs.Count < 3) gemm.Inputs.Add(null);
        gemm.Inputs[2] = GraphRewrites.NewConstant(gemm.Name + "_bias_bnfold", [n], bias);
        gemm.Attributes = gemm.Attributes.With("alpha", AttributeValue.Of(1f)).With("beta", AttributeValue.Of(1f));
        return true;
    }

    private static void SetInput(Node node, int index, Value value)
    {
        while (node.Inputs.Count <= index) node.Inputs.Add(null);
        node.Inputs[index] = value;
    }
}
