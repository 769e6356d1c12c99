using System.Runtime.InteropServices;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Constant: a tensor from one of the value attributes. Constant folding usually turns these into
/// weights; when one reaches a plan, its kernel copies the bytes into the output.</summary>
internal sealed class ConstantOperator : OperatorDefinition
{
    public override string OpType => "Constant";

    public override void InferOutputs(NodeContext node)
    {
        var value = Value(node);
        node.SetOutput(0, value.Type, value.Dims);
    }

    public override Kernel CreateKernel(NodeContext node) => new ConstantKernel(Value(node).Bytes);

    /// <summary>The node's value as a tensor.</summary>
    internal static ConstantTensor Value(NodeContext node)
    {
        var a = node.Attributes;
        if (a.GetTensor("value") is { } tensor)
        {
            if (tensor.Type.SizeOf() == 0)
                throw new UnsupportedOperatorException($"Constant '{node.NodeName}': a {tensor.Type.OnnxName()} value");
            return tensor;
        }
        if (a.Has("value_float")) return ConstantTensor.FromArray(ElementType.Float32, Shape.Scalar, [a.GetFloat("value_float", 0f)]);
        if (a.GetFloats("value_floats") is { } floats) return ConstantTensor.FromArray(ElementType.Float32, [floats.Length], floats);
        if (a.Has("value_int")) return ConstantTensor.FromArray(ElementType.Int64, Shape.Scalar, [a.GetInt("value_int", 0)]);
        if (a.GetInts("value_ints") is { } ints) return ConstantTensor.FromArray(ElementType.Int64, [ints.Length], ints);
        foreach (string name in (string[])["sparse_value", "value_string", "value_strings"])
            if (a.Has(name)) throw new UnsupportedOperatorException($"Constant '{node.NodeName}': attribute {name}");
        throw new ShapeException($"Constant '{node.NodeName}' has no value attribute");
    }

    private sealed class ConstantKernel(ReadOnlyMemory<byte> bytes) : Kernel
    {
        public override void Run(in KernelArgs args) => bytes.Span.CopyTo(args.OutputBytes(0));
    }
}
