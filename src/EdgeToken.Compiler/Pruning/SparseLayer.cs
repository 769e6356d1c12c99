namespace EdgeToken.Compiler.Pruning;

/// <summary>Whether a pruned layer runs on a sparse kernel, why, and its weight bytes dense and compressed
/// (values + 2-bit indices; the same element type as the dense weights: int8 after quantization, else float).</summary>
public sealed record SparseLayer(string Name, bool Sparse, string Reason, long DenseBytes, long SparseBytes);
