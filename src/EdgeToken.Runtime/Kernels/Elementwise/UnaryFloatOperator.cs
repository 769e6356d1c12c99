using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>The shared shape of float32 element-wise operators (math functions and activations): one input,
/// one output of the same type and shape, which may overwrite the input.</summary>
internal abstract class UnaryFloatOperator : OperatorDefinition
{
    public override void InferOutputs(NodeContext node)
    {
        var type = node.ExpectType(0, ElementType.Float32);
        node.SetOutput(0, type, node.Input(0).Dims);
    }

    public override int InPlaceInput(NodeContext node) => 0;
}
