using EdgeToken.Compiler;

namespace EdgeToken.Cli.Commands;

/// <summary>One pruned layer in <c>compile --report</c>: its pattern and sparsity, channels removed, and whether it runs on
/// the sparse kernel (with the cost model's reason), with its weight bytes dense and as compressed N:M.</summary>
public sealed record PrunedLayerReport(string Name, string Op, string Pattern, long Weights, double Sparsity, int RemovedChannels,
    string Kernel, long DenseBytes, long SparseBytes, string Reason);

/// <summary>The pruning section of <c>compile --report</c>. <see cref="DenseBytes"/> and <see cref="SparseBytes"/> total the layers that run sparse.</summary>
public sealed record PruningSummary(int Layers, long Weights, long Zeros, double Sparsity, long DenseBytes, long SparseBytes, long PlanWeightBytes,
    IReadOnlyList<PrunedLayerReport> PerLayer)
{
    public static PruningSummary From(CompiledModel compiled)
    {
        var sparse = compiled.SparseLayers.ToDictionary(s => s.Name);
        var rows = new List<PrunedLayerReport>();
        foreach (var l in compiled.PrunedLayers)
        {
            sparse.TryGetValue(l.Name, out var s);
            string kernel = l.Pattern == "channels" ? "dense" : s is null ? "dense" : s.Sparse ? "sparse" : "dense";
            string reason = l.Pattern == "channels" ? "channels removed: the layer is smaller and dense"
                : s?.Reason ?? (l.Pattern == "unstructured" ? "dense: no kernel for unstructured sparsity (a scalar CSR walk loses to SIMD dense at these densities)" : "dense: layer shape or op not eligible for the sparse kernel");
            rows.Add(new PrunedLayerReport(l.Name, l.OpType, l.Pattern, l.Weights, Math.Round(l.Sparsity, 4), l.RemovedChannels, kernel,
                s?.DenseBytes ?? 0, s?.SparseBytes ?? 0, reason));
        }
        long w = rows.Where(r => r.Pattern != "channels").Sum(r => r.Weights), z = compiled.PrunedLayers.Where(r => r.Pattern != "channels").Sum(r => r.Zeros);
        return new PruningSummary(rows.Count, w, z, w == 0 ? 0 : Math.Round((double)z / w, 4), rows.Where(r => r.Kernel == "sparse").Sum(r => r.DenseBytes), rows.Where(r => r.Kernel == "sparse").Sum(r => r.SparseBytes),
            compiled.Plan.Weights.Length, rows);
    }

    public void Print()
    {
        Console.WriteLine($"pruned {Layers} layers: {Zeros:N0} of {Weights:N0} weights zero ({Sparsity:P1}); plan weights {PlanWeightBytes:N0} B");
        Console.WriteLine($"  {"layer",-20} {"op",-7} {"pattern",-12} {"sparsity",8} {"removed",7} {"kernel",-6} {"dense B",9} {"sparse B",9}  why");
        foreach (var l in PerLayer)
            Console.WriteLine($"  {l.Name,-20} {l.Op,-7} {l.Pattern,-12} {l.Sparsity,8:P1} {l.RemovedChannels,7} {l.Kernel,-6} {l.DenseBytes,9:N0} {l.SparseBytes,9:N0}  {l.Reason}");
        if (SparseBytes > 0) Console.WriteLine($"  sparse layers: {DenseBytes:N0} B dense -> {SparseBytes:N0} B compressed ({(double)DenseBytes / SparseBytes:F2}x smaller)");
    }
}
