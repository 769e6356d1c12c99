using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Reshape: the same bytes under a new shape. A 0 in the requested shape copies the input's dimension at
/// that position unless <c>allowzero</c> is 1 (then it is a real 0); one -1 is inferred from the element count.</summary>
internal sealed class ReshapeOperator : ViewOperator
{
    public override string OpType => "Reshape";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        long[] requested = node.Opset < 5
            ? node.Attributes.GetInts("shape") ?? throw new ShapeException($"Reshape '{node.NodeName}' has no 'shape' attribute")
            : node.RequireConstant(1, "shape").ToInt64Array();
        bool allowZero = node.Attributes.GetInt("allowzero", 0) != 0;
        node.SetOutput(0, input.Type, Resolve(input.Dims, requested, allowZero));
    }

    /// <summary>The output shape for <paramref name="requested"/>, as ONNX resolves 0 and -1.</summary>
    public static int[] Resolve(int[] inputDims, long[] requested, bool allowZero)
    {
        var dims = new int[requested.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.Length; i++)
        {
            long v = requested[i];
            if (v == -1)
            {
                if (inferred >= 0) throw new ShapeException($"Reshape shape {Format(requested)} has more than one -1");
                inferred = i;
                continue;
            }
            if (v == 0 && !allowZero)
            {
                if (i >= inputDims.Length)
                    throw new ShapeException($"Reshape shape {Format(requested)} copies dimension {i} (0) but the input {Shape.Format(inputDims)} has rank {inputDims.Length}");
                v = inputDims[i];
            }
            if (v < 0 || v > int.MaxValue) throw new ShapeException($"Reshape shape {Format(requested)} has an invalid dimension {v}");
            dims[i] = (int)v;
            known *= v;
        }
        long count = Shape.ElementCount(inputDims);
        if (inferred >= 0)
        {
            if (known == 0 || count % known != 0)
                throw new ShapeException($"Reshape cannot infer the -1 in {Format(requested)} from {Shape.Format(inputDims)} ({count} elements)");
            dims[inferred] = (int)(count / known);
        }
        else if (known != count)
            throw new ShapeException($"Reshape of {Shape.Format(inputDims)} ({count} elements) to {Format(requested)} ({known} elements)");
        return dims;
    }

    private static string Format(long[] values) => "[" + string.Join(", ", values) + "]";
}
