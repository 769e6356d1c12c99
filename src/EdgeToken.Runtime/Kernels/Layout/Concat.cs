using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Concat along <c>axis</c> (negative counts from the end): for each index before the axis, each input
/// contributes one contiguous block, so the kernel is a sequence of block copies.</summary>
internal sealed class ConcatOperator : OperatorDefinition
{
    public override string OpType => "Concat";

    public override void InferOutputs(NodeContext node)
    {
        var first = node.Input(0);
        int axis = Axis(node);
        var dims = (int[])first.Dims.Clone();
        dims[axis] = 0;
        for (int i = 0; i < node.InputCount; i++)
        {
            ElementBytes.Require(node, i);
            var t = node.Input(i);
            if (t.Type != first.Type)
                throw new ShapeException($"Concat '{node.NodeName}': input {i} is {t.Type.OnnxName()} but input 0 is {first.Type.OnnxName()}");
            if (t.Rank != first.Rank)
                throw new ShapeException($"Concat '{node.NodeName}': input {i} {Shape.Format(t.Dims)} and input 0 {Shape.Format(first.Dims)} differ in rank");
            for (int d = 0; d < t.Rank; d++)
                if (d != axis && t.Dims[d] != first.Dims[d])
                    throw new ShapeException($"Concat '{node.NodeName}': input {i} {Shape.Format(t.Dims)} and input 0 {Shape.Format(first.Dims)} differ outside axis {axis}");
            dims[axis] += t.Dims[axis];
        }
        node.SetOutput(0, first.Type, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        int size = ElementBytes.Require(node, 0);
        int axis = Axis(node);
        var dims = node.Input(0).Dims;
        int outer = (int)Shape.ElementCount(dims.AsSpan(0, axis));
        var blocks = new int[node.InputCount];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = (int)Shape.ElementCount(node.Input(i).Dims.AsSpan(axis)) * size;
        return new ConcatKernel(outer, blocks);
    }

    private static int Axis(NodeContext node)
    {
        if (!node.Attributes.Has("axis")) throw new ShapeException($"Concat '{node.NodeName}' has no axis attribute");
        return Shape.NormalizeAxis(node.Attributes.GetInt("axis", 0), node.Input(0).Rank);
    }

    private sealed class ConcatKernel(int outer, int[] blockBytes) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            var output = args.OutputBytes(0);
            int o = 0;
            for (int n = 0; n < outer; n++)
                for (int i = 0; i < blockBytes.Length; i++)
                {
                    int b = blockBytes[i];
                    args.InputBytes(i).Slice(n * b, b).CopyTo(output.Slice(o, b));
                    o += b;
                }
        }
    }
}
