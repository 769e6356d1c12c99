using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Passes;

/// <summary>MatMul(A, W) followed by Add(·, b) becomes one Gemm(A, W, b) when A is a matrix and W and b
/// are constants: the bias is added in the same pass over the output (this is how PyTorch exports Linear
/// layers without a fused addmm).</summary>
public sealed class MatMulAddToGemm : IGraphPass
{
    public string Name => "matmul-add-to-gemm";

    public int Run(Graph graph)
    {
        int fused = 0;
        var uses = graph.BuildUses();
        foreach (var matmul in graph.Nodes.ToArray())
        {
            if (matmul.OpType != "MatMul") continue;
            var a = matmul.Input(0)!;
            var w = matmul.Input(1)!;
            var product = matmul.Output(0)!;
            if (a.Dims is not { Length: 2 } || w.Constant is not { Type: ElementType.Float32, Dims.Length: 2 } || a.Type != ElementType.Float32) continue;
            if (GraphRewrites.SoleReader(uses, product) is not { OpType: "Add" } add) continue;
            var bias = ReferenceEquals(add.Input(0), product) ? add.Input(1) : add.Input(0);
            if (bias?.Constant is not { Type: ElementType.Float32 } bc) continue;
            int n = w.Dims![1];
            bool rowVector = bc.ElementCount == n && (bc.Dims.Length == 1 || (bc.Dims.Length == 2 && bc.Dims[0] == 1));
            bool full = bc.Dims.Length == 2 && bc.Dims[0] == a.Dims[0] && bc.Dims[1] == n;
            if (!rowVector && !full && bc.ElementCount != 1) continue;

            var y = add.Outputs[0]!;
            var gemm = new Node(matmul.Name, "Gemm", NodeAttributes.Empty, [a, w, bias], [y]);
            y.Producer = gemm;
            int at = graph.Nodes.IndexOf(matmul);
            graph.Nodes[at] = gemm;
            graph.Nodes.Remove(add);
            product.Producer = null;
            uses = graph.BuildUses();
            fused++;
        }
        return fused;
    }
}
