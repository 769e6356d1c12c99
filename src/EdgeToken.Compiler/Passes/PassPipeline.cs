using EdgeToken.Compiler.Graphs;

namespace EdgeToken.Compiler.Passes;

/// <summary>The passes <c>edgetoken compile</c> runs, in order, and a record of what each did.</summary>
public static class PassPipeline
{
    public static IGraphPass[] Default() =>
    [
        new IdentityRemoval(),
        // Before constant folding, which would turn the int8 weights of a QDQ model into float constants.
        new Quantization.QdqFolding(),
        new ConstantFolding(),
        new DeadNodeElimination(),
        new LayerNormFusion(),
        new MatMulAddToGemm(),
        new BatchNormFolding(),
        new ActivationFusion(),
        new FullyConnectedConv(), // after BatchNormalization and an activation fold into the Conv (the Gemm takes the activation)
        new DeadNodeElimination(),
    ];

    /// <summary>Runs the passes not named in <paramref name="disabled"/>; shapes are re-inferred after each
    /// pass that rewrote something, so later passes see a consistent graph.</summary>
    public static List<(string Pass, int Rewrites)> Run(Graph graph, IEnumerable<IGraphPass> passes, ISet<string>? disabled = null)
    {
        var log = new List<(string, int)>();
        foreach (var pass in passes)
        {
            if (disabled?.Contains(pass.Name) == true) continue;
            int rewrites = pass.Run(graph);
            log.Add((pass.Name, rewrites));
            if (rewrites > 0)
            {
                graph.SortTopologically();
                ShapeInference.Infer(graph);
            }
        }
        return log;
    }
}
