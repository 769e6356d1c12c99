using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Pruning;

/// <summary>The constant weight of a Gemm, MatMul or Conv seen as a matrix [N output channels, K inputs], whatever
/// its ONNX layout (Gemm with or without transB, MatMul's [K, N], Conv's [Cout, Cin/group, kernel...]).</summary>
internal sealed class LayerWeight
{
    private LayerWeight(Node node, Value weight, int n, int k, bool kMajor)
    {
        Node = node;
        Weight = weight;
        Rows = n;
        Cols = k;
        KMajor = kMajor;
    }

    public Node Node { get; }
    public Value Weight { get; }
    /// <summary>N: output channels.</summary>
    public int Rows { get; }
    /// <summary>K: inputs per output channel.</summary>
    public int Cols { get; }
    /// <summary>True when the stored layout is [K, N] (MatMul, Gemm without transB).</summary>
    public bool KMajor { get; }

    /// <summary>The weight of a prunable layer, or null (not Gemm/MatMul/Conv, weight not a float constant, transA...).</summary>
    public static LayerWeight? Of(Node node)
    {
        var w = node.Input(1);
        if (w?.Constant is null || w.Type != ElementType.Float32 || w.Dims is null) return null;
        switch (node.OpType)
        {
            case "Gemm" when w.Dims.Length == 2 && node.Attributes.GetInt("transA", 0) == 0:
                bool transB = node.Attributes.GetInt("transB", 0) != 0;
                return transB ? new(node, w, w.Dims[0], w.Dims[1], false) : new(node, w, w.Dims[1], w.Dims[0], true);
            case "MatMul" when w.Dims.Length == 2:
                return new(node, w, w.Dims[1], w.Dims[0], true);
            case "Conv" when w.Dims.Length >= 3:
                return new(node, w, w.Dims[0], (int)(Shape.ElementCount(w.Dims) / w.Dims[0]), false);
            default:
                return null;
        }
    }

    /// <summary>The weights as [N, K] row-major.</summary>
    public float[] Read()
    {
        var src = Weight.Constant!.AsSpan<float>();
        var w = new float[Rows * Cols];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Cols; c++)
                w[r * Cols + c] = KMajor ? src[c * Rows + r] : src[r * Cols + c];
        return w;
    }

    /// <summary>Stores [N, K] row-major weights back in the layer's own layout.</summary>
    public void Write(float[] w)
    {
        var dst = new float[w.Length];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Cols; c++)
                dst[KMajor ? c * Rows + r : r * Cols + c] = w[r * Cols + c];
        Weight.Constant = ConstantTensor.FromArray(ElementType.Float32, Weight.Dims!, dst);
    }
}
