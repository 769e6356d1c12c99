namespace EdgeToken.Compiler.Pruning;

/// <summary>What pruning did to one layer.</summary>
/// <param name="Pattern">"unstructured", "2:4", ... or "channels".</param>
/// <param name="Weights">Weights of the layer after pruning (channel pruning shrinks it).</param>
/// <param name="Zeros">Of those, how many are zero.</param>
/// <param name="RemovedChannels">Output channels channel pruning removed.</param>
/// <param name="EnergyRemoved">Σw² of the removed weights over Σw² before: the layer's output noise-to-signal ratio for
/// white inputs, which ranks the layers that cost the most accuracy next to quantization's SQNR.</param>
public sealed record PrunedLayer(string Name, string OpType, string Pattern, long Weights, long Zeros, int RemovedChannels = 0, double EnergyRemoved = 0)
{
    public double Sparsity => Weights == 0 ? 0 : (double)Zeros / Weights;
}
