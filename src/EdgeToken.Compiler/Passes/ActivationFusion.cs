using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Passes;

/// <summary>Folds an activation (Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh) into the
/// Conv, ConvTranspose, Gemm or MatMul that produces its input, so the activation is applied while the
/// output is still in cache and its tensor never exists. See <see cref="FusedActivation"/>.</summary>
public sealed class ActivationFusion : IGraphPass
{
    private static readonly HashSet<string> Producers = new(StringComparer.Ordinal) { "Conv", "ConvTranspose", "Gemm", "MatMul" };

    public string Name => "activation-fusion";

    public int Run(Graph graph)
    {
        int fused = 0;
        var uses = graph.BuildUses();
        foreach (var producer in graph.Nodes.ToArray())
        {
            if (!Producers.Contains(producer.OpType) || producer.Attributes.Has(FusedActivation.AttributeName)) continue;
            var x = producer.Output(0);
            if (x is null || x.Type != ElementType.Float32) continue;
            if (GraphRewrites.SoleReader(uses, x) is not { } act || !ReferenceEquals(act.Input(0), x)) continue;
            if (Array.IndexOf(FusedActivation.Fusable, act.OpType) < 0) continue;
            if (!TryParameters(act, graph.Opset, out float alpha, out float beta)) continue;

            producer.Attributes = producer.Attributes
                .With(FusedActivation.AttributeName, AttributeValue.Of(act.OpType))
                .With(FusedActivation.AlphaName, AttributeValue.Of(alpha))
                .With(FusedActivation.BetaName, AttributeValue.Of(beta));
            var y = act.Outputs[0]!;
            graph.ReplaceAllUses(x, y);
            GraphRewrites.Redirect(producer, x, y);
            graph.Nodes.Remove(act);
            uses = graph.BuildUses();
            fused++;
        }
        return fused;
    }

    private static bool TryParameters(Node act, int opset, out float alpha, out float beta)
    {
        alpha = 0;
        beta = 0;
        switch (act.OpType)
        {
            case "LeakyRelu":
                alpha = act.Attributes.GetFloat("alpha", 0.01f);
                return true;
            case "HardSigmoid":
                alpha = act.Attributes.GetFloat("alpha", 0.2f);
                beta = act.Attributes.GetFloat("beta", 0.5f);
                return true;
            case "Clip":
                if (opset < 11)
                {
                    alpha = act.Attributes.GetFloat("min", float.MinValue);
                    beta = act.Attributes.GetFloat("max", float.MaxValue);
                    return true;
                }
                alpha = float.MinValue;
                beta = float.MaxValue;
                if (act.Input(1) is { } min) { if (GraphRewrites.ScalarFloat(min) is not { } m) return false; alpha = m; }
                if (act.Input(2) is { } max) { if (GraphRewrites.ScalarFloat(max) is not { } m) return false; beta = m; }
                return alpha <= beta;
            default:
                return true;
        }
    }
}
