using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Split along <c>axis</c> into the given sizes (an attribute before opset 13, a constant input after), or
/// into equal parts: one per output, or <c>num_outputs</c> from opset 18, where the last part may be smaller.</summary>
internal sealed class SplitOperator : OperatorDefinition
{
    public override string OpType => "Split";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        int axis = Shape.NormalizeAxis(node.Attributes.GetInt("axis", 0), input.Rank);
        long[] sizes = Sizes(node, input.Dims[axis]);
        for (int i = 0; i < sizes.Length; i++)
        {
            var dims = (int[])input.Dims.Clone();
            dims[axis] = (int)sizes[i];
            node.SetOutput(i, input.Type, dims);
        }
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        int size = ElementBytes.Require(node, 0);
        var input = node.Input(0);
        int axis = Shape.NormalizeAxis(node.Attributes.GetInt("axis", 0), input.Rank);
        long[] sizes = Sizes(node, input.Dims[axis]);
        int inner = (int)Shape.ElementCount(input.Dims.AsSpan(axis + 1)) * size;
        var blocks = new int[sizes.Length];
        for (int i = 0; i < blocks.Length; i++) blocks[i] = (int)sizes[i] * inner;
        return new SplitKernel((int)Shape.ElementCount(input.Dims.AsSpan(0, axis)), blocks);
    }

    private static long[] Sizes(NodeContext node, int dim)
    {
        long[]? split = node.Opset < 13 ? node.Attributes.GetInts("split")
            : node.HasInput(1) ? node.RequireConstant(1, "split").ToInt64Array() : null;
        if (split is not null)
        {
            long total = 0;
            foreach (long s in split)
            {
                if (s < 0) throw new ShapeException($"Split '{node.NodeName}': negative size {s}");
                total += s;
            }
            if (total != dim || split.Length != node.OutputCount)
                throw new ShapeException($"Split '{node.NodeName}': sizes [{string.Join(", ", split)}] do not split {dim} into {node.OutputCount} outputs");
            return split;
        }
        int parts = node.OutputCount;
        if (node.Opset >= 18 && node.Attributes.Has("num_outputs"))
        {
            parts = (int)node.Attributes.GetInt("num_outputs", parts);
            if (parts != node.OutputCount || parts <= 0)
                throw new ShapeException($"Split '{node.NodeName}': num_outputs {parts} but {node.OutputCount} outputs");
            long chunk = (dim + parts - 1) / parts;
            var sizes = new long[parts];
            for (int i = 0; i < parts; i++) sizes[i] = Math.Clamp(dim - chunk * i, 0, chunk);
            return sizes;
        }
        if (dim % parts != 0)
            throw new ShapeException($"Split '{node.NodeName}': {dim} does not split evenly into {parts} outputs");
        var equal = new long[parts];
        Array.Fill(equal, dim / parts);
        return equal;
    }

    private sealed class SplitKernel(int outer, int[] blockBytes) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            var input = args.InputBytes(0);
            int o = 0;
            for (int n = 0; n < outer; n++)
                for (int i = 0; i < blockBytes.Length; i++)
                {
                    int b = blockBytes[i];
                    if (args.HasOutput(i)) input.Slice(o, b).CopyTo(args.OutputBytes(i).Slice(n * b, b));
                    o += b;
                }
        }
    }
}
