using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary><c>EdgeToken.QLookup</c>, any element-wise function (or chain of them) from one int8 tensor to another as a
/// 256-entry table (<see cref="Int8Lookup"/>). Inputs: x int8 of any shape; table int8 [256], a constant indexed by x's
/// bit pattern (q as byte). Output: int8 of x's shape. The quantizer computes the table, so the runtime needs to know
/// nothing about the function; the attributes it adds describe the float ops for the QDQ export only.</summary>
public static class QLookup
{
    public const string OpType = "EdgeToken.QLookup";
}

internal sealed class QLookupOperator : OperatorDefinition
{
    public override string OpType => QLookup.OpType;

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, ElementType.Int8);
        node.ExpectType(1, ElementType.Int8);
        if (node.Input(1).ElementCount != 256)
            throw new ShapeException($"{QLookup.OpType} '{node.NodeName}': the table {Shape.Format(node.Input(1).Dims)} must have 256 entries");
        node.SetOutput(0, ElementType.Int8, node.Input(0).Dims);
    }

    public override Kernel CreateKernel(NodeContext node) =>
        new QLookupKernel(node.RequireConstant(1, "the table").AsSpan<sbyte>().ToArray());

    public override int InPlaceInput(NodeContext node) => 0;

    private sealed class QLookupKernel(sbyte[] table) : Kernel
    {
        public override void Run(in KernelArgs args) => Int8Lookup.Run(table, args.Input<sbyte>(0), args.Output<sbyte>(0));
    }
}
