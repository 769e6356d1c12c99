using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    private static bool IsEligibleGemm(Node n, bool anyActivation = false)
    {
        if (n.OpType is not ("Gemm" or "MatMul")) return false;
        var a = n.Input(0);
        var b = n.Input(1);
        if (a is null || b is null || a.Type != ElementType.Float32 || a.Dims is not { Length: 2 } || b.Constant is null || b.Dims is not { Length: 2 }) return false;
        if (!anyActivation && !HasInt8Activation(n)) return false;
        if (n.OpType == "MatMul") return true;
        if (n.Attributes.GetInt("transA", 0) != 0 || n.Attributes.GetFloat("alpha", 1f) != 1f || n.Attributes.GetFloat("beta", 1f) != 1f) return false;
        var c = n.Input(2);
        return c is null || (c.Constant is not null && c.Constant.ElementCount == b.Dims[n.Attributes.GetInt("transB", 0) != 0 ? 0 : 1]);
    }

    /// <summary>No fused activation, or one the requantization clamp carries.</summary>
    private static bool HasInt8Activation(Node n) => n.Attributes.GetString(FusedActivation.AttributeName, "") is "" or "Relu" or "Clip";

    private static QuantizedLayer RewriteGemm(Graph graph, Node node, QuantizationParameters qx, QuantizationParameters qy,
        bool perChannel, int weightBits, Dictionary<Value, Value> int8Of)
    {
        bool transB = node.OpType == "Gemm" && node.Attributes.GetInt("transB", 0) != 0;
        var b = node.Inputs[1]!;
        int k = node.Inputs[0]!.Dims![1];
        int n = transB ? b.Dims![0] : b.Dims![1];
        var wf = b.Constant!.ToDoubleArray();
        var w = new float[n * k]; // as [N, K]
        for (int r = 0; r < n; r++)
            for (int c = 0; c < k; c++) w[r * k + c] = (float)(transB ? wf[r * k + c] : wf[c * n + r]);
        var layer = new LayerWeights(w, n, k, [n, k], node.Input(2)?.Constant?.ToDoubleArray(), QGemm.OpType, NodeAttributes.Empty);
        return RewriteLayer(graph, node, layer, qx, qy, perChannel, weightBits, int8Of);
    }
}
