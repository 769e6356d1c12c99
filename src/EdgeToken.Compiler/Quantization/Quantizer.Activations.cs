using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

public static partial class Quantizer
{
    /// <summary>Undoes the activation fusion for every layer the quantizer would take but for its fused activation
    /// (LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish: anything but Relu and Clip, which the requantization clamp
    /// carries): the layer without activation, then the activation as its own ONNX node. Calibration then sees the
    /// layer's pre-activation output, the layer quantizes, and the activation becomes a table (<see cref="TryLookup"/>)
    /// in front of the next quantized layer.</summary>
    private static void SplitActivations(Graph graph, QuantizeOptions options)
    {
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            if (HasInt8Activation(node) || options.Exclude.Contains(node.Name) || !(IsEligibleGemm(node, true) || IsEligibleConv(node, true))) continue;
            var fused = FusedActivation.From(node.Attributes);
            var y = node.Outputs[0]!;
            var before = Tensor($"{y.Name}_before_{fused.Kind}", ElementType.Float32, y.Dims!);
            node.Outputs[0] = before;
            before.Producer = node;
            node.Attributes = node.Attributes.Without(FusedActivation.AttributeName).Without(FusedActivation.AlphaName).Without(FusedActivation.BetaName);
            var attributes = fused.Kind switch
            {
                "LeakyRelu" => NodeAttributes.Empty.With("alpha", AttributeValue.Of(fused.Alpha)),
                "HardSigmoid" => NodeAttributes.Empty.With("alpha", AttributeValue.Of(fused.Alpha)).With("beta", AttributeValue.Of(fused.Beta)),
                _ => NodeAttributes.Empty, // Sigmoid, Tanh, HardSwish
            };
            var activation = new Node($"{node.Name}_{fused.Kind}", fused.Kind, attributes, [before], [y]);
            y.Producer = activation;
            graph.Nodes.Insert(++i, activation);
        }
    }
}
