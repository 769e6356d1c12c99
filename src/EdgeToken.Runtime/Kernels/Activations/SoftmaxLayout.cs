using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Where Softmax and LogSoftmax normalise: <see cref="Outer"/> independent blocks, each of
/// <see cref="Axis"/> × <see cref="Inner"/> elements, normalised along <see cref="Axis"/> (stride
/// <see cref="Inner"/>).</summary>
/// <remarks>From opset 13 the operators normalise along one axis (default −1). Before, they flattened the
/// input to 2-D at <c>axis</c> (default 1) and normalised each row of the trailing block: that is
/// Inner = 1 with Axis = the whole trailing block.</remarks>
public readonly record struct SoftmaxLayout(int Outer, int Axis, int Inner)
{
    internal static SoftmaxLayout Of(NodeContext node)
    {
        var dims = node.Input(0).Dims;
        int rank = dims.Length;
        if (node.Opset < 13)
        {
            int flattenAt = Shape.NormalizeAxis(node.Attributes.GetInt("axis", 1), rank);
            return new SoftmaxLayout(Product(dims[..flattenAt]), Product(dims[flattenAt..]), 1);
        }
        int axis = Shape.NormalizeAxis(node.Attributes.GetInt("axis", -1), rank);
        return new SoftmaxLayout(Product(dims[..axis]), dims[axis], Product(dims[(axis + 1)..]));
    }

    private static int Product(ReadOnlySpan<int> dims) => checked((int)Shape.ElementCount(dims));
}

/// <summary>The shared shape of Softmax and LogSoftmax: float32, same shape out, in place.</summary>
internal abstract class SoftmaxFamilyOperator : UnaryFloatOperator
{
    public override void InferOutputs(NodeContext node)
    {
        base.InferOutputs(node);
        SoftmaxLayout.Of(node); // rejects an axis outside the rank here rather than when the kernel is built
    }
}
