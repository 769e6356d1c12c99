namespace EdgeToken.Compiler.Pruning;

/// <summary>Which weights magnitude pruning may zero.</summary>
public enum PruningPattern
{
    /// <summary>Any weight: the smallest |w| go first until the target sparsity is reached.</summary>
    Unstructured,
    /// <summary>N:M semi-structured along the input (K) axis: in every group of M consecutive inputs, N are kept. The
    /// groups of a panel of <see cref="PruneOptions.Panel"/> output rows share one mask, which is what lets the sparse
    /// kernels gather the input once and reuse it for every row of the panel.</summary>
    NM,
}

/// <summary>Whether the target sparsity holds for each layer or for all pruned weights together.</summary>
public enum PruningScope
{
    PerLayer,
    /// <summary>One magnitude threshold over every pruned layer: big layers with many small weights lose more.</summary>
    Global,
}

/// <summary>How to prune a model (magnitude pruning after the passes, before quantization).</summary>
public sealed class PruneOptions
{
    /// <summary>Fraction of weights zeroed, for <see cref="PruningPattern.Unstructured"/> (N:M fixes it at 1 - N/M).</summary>
    public double Sparsity { get; init; } = 0.5;
    public PruningPattern Pattern { get; init; } = PruningPattern.Unstructured;
    public PruningScope Scope { get; init; } = PruningScope.PerLayer;
    /// <summary>N of N:M: weights kept per group.</summary>
    public int N { get; init; } = 2;
    /// <summary>M of N:M: group length along the input axis.</summary>
    public int M { get; init; } = 4;
    /// <summary>Output rows of a Gemm or MatMul that share one N:M mask (1: classic per-row 2:4); convolutions use
    /// <see cref="ConvPanel"/>.</summary>
    /// <remarks>8: the gather of the input the sparse kernel does once per panel then costs about 1/8 of the saved
    /// multiply-adds on the int8 paths (see <c>SparseCostModel</c>), while the accuracy is close to per-row 2:4.</remarks>
    public int Panel { get; init; } = 8;
    /// <summary>Output channels of a Conv that share one N:M mask.</summary>
    /// <remarks>12: a multiple of both convolution micro-kernels' blocks of output channels (6 for float SGEMM, 4 for the
    /// int8 shifted-rows kernel), so each block has one list of kept taps and the sparse conv kernels skip the zeros with
    /// the dense kernels' register blocking (<c>SparseConv</c>). The conv's mask runs along its depth
    /// (input channel, kernel tap), and for a model that will be quantized over (channel pair, tap) units: the int8
    /// kernel multiplies two input channels of one tap per instruction (vpmaddwd), so it can only skip a pair whole.</remarks>
    public int ConvPanel { get; init; } = 12;
    /// <summary>Fraction of output channels removed by channel (structured) pruning; 0 turns it off.</summary>
    public double Channels { get; init; }
    /// <summary>Run N:M-pruned fully connected layers and convolutions on the sparse kernels where <c>SparseCostModel</c> says it pays.</summary>
    public bool SparseKernels { get => _sparseKernels; init => _sparseKernels = value; }
    private bool _sparseKernels = true;

    /// <summary>The same options with <see cref="SparseKernels"/> set: a copy of every field, so an option added later is
    /// not dropped by a caller that recompiles without sparse kernels (the QDQ export does).</summary>
    public PruneOptions WithSparseKernels(bool sparseKernels)
    {
        var copy = (PruneOptions)MemberwiseClone();
        copy._sparseKernels = sparseKernels;
        return copy;
    }
    /// <summary>Nodes (by name) left alone.</summary>
    public ISet<string> Exclude { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Parses "unstructured", "2:4", "1:4", ... into <see cref="Pattern"/>, <see cref="N"/> and <see cref="M"/>.</summary>
    public static (PruningPattern Pattern, int N, int M) ParsePattern(string text)
    {
        if (text.Equals("unstructured", StringComparison.OrdinalIgnoreCase)) return (PruningPattern.Unstructured, 0, 0);
        var parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], out int n) && int.TryParse(parts[1], out int m) && n > 0 && m > n && m <= 16)
            return (PruningPattern.NM, n, m);
        throw new CompileException($"pruning pattern '{text}': expected 'unstructured' or N:M with 0 < N < M <= 16, e.g. 2:4");
    }
}
