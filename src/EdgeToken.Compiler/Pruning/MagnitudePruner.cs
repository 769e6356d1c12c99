using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Sparse;

namespace EdgeToken.Compiler.Pruning;

/// <summary>Magnitude pruning: zeroes the weights of smallest |w| of every Gemm, MatMul and Conv with a constant float
/// weight, unstructured or N:M, per layer or with one global threshold, skipping excluded nodes. The weights keep their
/// shapes; the sparse kernels and the compressed storage come later (<c>SparseRewriter</c>).</summary>
/// <remarks>A weight tensor read by several nodes is left alone: pruning it for one would prune it for all.</remarks>
public static class MagnitudePruner
{
    /// <param name="quantized">Whether a layer will be quantized after pruning (null: none will): such convolutions are
    /// pruned over the (channel pair, tap) units the int8 kernel multiplies (<see cref="PruneOptions.ConvPanel"/>).</param>
    public static List<PrunedLayer> Prune(Graph graph, PruneOptions options, Func<Node, bool>? quantized = null)
    {
        if (options.Pattern == PruningPattern.Unstructured && options.Sparsity is < 0 or >= 1)
            throw new CompileException($"pruning sparsity {options.Sparsity}: expected a fraction in [0, 1)");
        if (options.Pattern == PruningPattern.NM && (options.N <= 0 || options.M <= options.N || options.Panel <= 0))
            throw new CompileException($"pruning pattern {options.N}:{options.M} (panel {options.Panel}): expected 0 < N < M and panel >= 1");
        var layers = Layers(graph, options.Exclude);
        var result = new List<PrunedLayer>();
        if (options.Pattern == PruningPattern.Unstructured && options.Scope == PruningScope.Global)
        {
            var all = layers.SelectMany(l => l.Read().Select(Math.Abs)).ToArray();
            float threshold = Threshold(all, options.Sparsity);
            long budget = (long)Math.Round(all.Length * options.Sparsity) - all.Count(a => a < threshold);
            foreach (var layer in layers)
            {
                var w = layer.Read();
                double before = Energy(w);
                // Ties at the threshold are pruned in layer order until the global count is met.
                for (int i = 0; i < w.Length; i++)
                    if (Math.Abs(w[i]) < threshold || (Math.Abs(w[i]) == threshold && budget-- > 0)) w[i] = 0;
                result.Add(Store(layer, w, "unstructured", before));
            }
            return result;
        }
        foreach (var layer in layers)
        {
            var w = layer.Read();
            double energy = Energy(w);
            if (options.Pattern == PruningPattern.Unstructured) PruneUnstructured(w, options.Sparsity);
            else if (layer.Node.OpType != "Conv") PruneNM(w, layer.Rows, layer.Cols, options.N, options.M, options.Panel);
            else if (quantized?.Invoke(layer.Node) != true) PruneNM(w, layer.Rows, layer.Cols, options.N, options.M, options.ConvPanel);
            else
            {
                int channels = layer.Weight.Dims![1];
                PruneNMUnits(w, layer.Rows, layer.Cols, SparseConv.PairTapColumns(channels, layer.Cols / channels), 2, options.N, options.M, options.ConvPanel);
            }
            result.Add(Store(layer, w, options.Pattern == PruningPattern.Unstructured ? "unstructured" : $"{options.N}:{options.M}", energy));
        }
        return result;
    }

    /// <summary>Zeroes the round(sparsity · length) weights of smallest magnitude (ties broken by position).</summary>
    public static void PruneUnstructured(Span<float> w, double sparsity)
    {
        int count = (int)Math.Round(w.Length * sparsity);
        var order = new int[w.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = new float[w.Length];
        for (int i = 0; i < keys.Length; i++) keys[i] = Math.Abs(w[i]);
        Array.Sort(keys, order);
        for (int i = 0; i < count; i++) w[order[i]] = 0;
    }

    /// <summary>N:M along K, one mask per panel of rows: in each group of M columns, the N with the largest Σ w² over the
    /// panel's rows stay. A last partial group (K not a multiple of M) keeps ceil(N · len / M).</summary>
    public static void PruneNM(Span<float> w, int rows, int cols, int n, int m, int panel)
    {
        var columns = new int[cols];
        for (int c = 0; c < cols; c++) columns[c] = c;
        PruneNMUnits(w, rows, cols, columns, 1, n, m, panel);
    }

    /// <summary>N:M over units of <paramref name="width"/> columns each (<paramref name="unitColumns"/>[u · width + i], -1 for
    /// none), one mask per panel of rows: in each group of M consecutive units, the N with the largest Σ w² over the
    /// panel's rows and the unit's columns stay, the others' columns are zeroed. A last partial group keeps
    /// ceil(N · len / M). <see cref="PruneNM"/> is the case of one column per unit.</summary>
    public static void PruneNMUnits(Span<float> w, int rows, int cols, ReadOnlySpan<int> unitColumns, int width, int n, int m, int panel)
    {
        int units = unitColumns.Length / width;
        Span<double> score = stackalloc double[m];
        Span<int> order = stackalloc int[m];
        for (int r0 = 0; r0 < rows; r0 += panel)
        {
            int r1 = Math.Min(rows, r0 + panel);
            for (int g = 0; g < units; g += m)
            {
                int len = Math.Min(m, units - g);
                int keep = len == m ? n : (n * len + m - 1) / m;
                for (int u = 0; u < len; u++)
                {
                    double s = 0;
                    foreach (int c in unitColumns.Slice((g + u) * width, width))
                        if (c >= 0)
                            for (int r = r0; r < r1; r++) s += (double)w[r * cols + c] * w[r * cols + c];
                    score[u] = s;
                    order[u] = u;
                }
                // Selection of the `keep` largest; stable so that equal scores keep the earlier unit.
                for (int i = 0; i < keep; i++)
                {
                    int best = i;
                    for (int j = i + 1; j < len; j++) if (score[order[j]] > score[order[best]]) best = j;
                    (order[i], order[best]) = (order[best], order[i]);
                }
                for (int i = keep; i < len; i++)
                    foreach (int c in unitColumns.Slice((g + order[i]) * width, width))
                        if (c >= 0)
                            for (int r = r0; r < r1; r++) w[r * cols + c] = 0;
            }
        }
    }

    internal static List<LayerWeight> Layers(Graph graph, ISet<string> exclude)
    {
        var readers = graph.BuildUses();
        var list = new List<LayerWeight>();
        foreach (var node in graph.Nodes)
        {
            if (exclude.Contains(node.Name)) continue;
            if (LayerWeight.Of(node) is not { } layer) continue;
            if (readers.TryGetValue(layer.Weight, out var uses) && uses.Count > 1) continue;
            list.Add(layer);
        }
        return list;
    }

    private static float Threshold(float[] magnitudes, double sparsity)
    {
        int count = (int)Math.Round(magnitudes.Length * sparsity);
        if (count == 0) return float.NegativeInfinity;
        var sorted = (float[])magnitudes.Clone();
        Array.Sort(sorted);
        return sorted[count - 1];
    }

    private static double Energy(float[] w)
    {
        double e = 0;
        foreach (var v in w) e += (double)v * v;
        return e;
    }

    private static PrunedLayer Store(LayerWeight layer, float[] w, string pattern, double before)
    {
        layer.Write(w);
        return new PrunedLayer(layer.Node.Name, layer.Node.OpType, pattern, w.Length, w.LongCount(v => v == 0), 0,
            before == 0 ? 0 : 1 - Energy(w) / before);
    }
}
