using System.Runtime.InteropServices;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Where: output = condition ? x : y, element by element with numpy broadcasting of all three inputs.
/// Selecting moves elements without reading them, so any sized type runs.</summary>
internal sealed class WhereOperator : OperatorDefinition
{
    public override string OpType => "Where";

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, ElementType.Bool);
        ElementBytes.Require(node, 1);
        if (node.Input(1).Type != node.Input(2).Type)
            throw new ShapeException($"Where '{node.NodeName}': x is {node.Input(1).Type.OnnxName()} but y is {node.Input(2).Type.OnnxName()}");
        var dims = Shape.Broadcast(Shape.Broadcast(node.Input(0).Dims, node.Input(1).Dims), node.Input(2).Dims);
        node.SetOutput(0, node.Input(1).Type, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var outDims = node.Output(0).Dims;
        var strides = new long[3][];
        for (int i = 0; i < 3; i++) strides[i] = ExpandOperator.BroadcastStrides(node.Input(i).Dims, outDims);
        return new WhereKernel(ElementBytes.Require(node, 1), outDims.Length == 0 ? [1] : outDims,
            outDims.Length == 0 ? [[0], [0], [0]] : strides);
    }

    private sealed class WhereKernel(int size, int[] dims, long[][] strides) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            var c = args.InputBytes(0);
            var x = args.InputBytes(1);
            var y = args.InputBytes(2);
            var o = args.OutputBytes(0);
            switch (size)
            {
                case 1: Select(c, x, y, o); break;
                case 2: Select(c, MemoryMarshal.Cast<byte, ushort>(x), MemoryMarshal.Cast<byte, ushort>(y), MemoryMarshal.Cast<byte, ushort>(o)); break;
                case 4: Select(c, MemoryMarshal.Cast<byte, uint>(x), MemoryMarshal.Cast<byte, uint>(y), MemoryMarshal.Cast<byte, uint>(o)); break;
                case 8: Select(c, MemoryMarshal.Cast<byte, ulong>(x), MemoryMarshal.Cast<byte, ulong>(y), MemoryMarshal.Cast<byte, ulong>(o)); break;
                default: Select(c, MemoryMarshal.Cast<byte, Int128>(x), MemoryMarshal.Cast<byte, Int128>(y), MemoryMarshal.Cast<byte, Int128>(o)); break;
            }
        }

        private void Select<T>(ReadOnlySpan<byte> cond, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> output) where T : unmanaged
        {
            if (output.IsEmpty) return;
            if (cond.Length == output.Length && x.Length == output.Length && y.Length == output.Length)
            {
                for (int i = 0; i < output.Length; i++) output[i] = cond[i] != 0 ? x[i] : y[i];
                return;
            }
            int rank = dims.Length;
            int inner = dims[rank - 1];
            long sc = strides[0][rank - 1], sx = strides[1][rank - 1], sy = strides[2][rank - 1];
            Span<int> counter = stackalloc int[rank];
            counter.Clear();
            long oc = 0, ox = 0, oy = 0;
            for (int row = 0, at = 0; at < output.Length; row++)
            {
                long ic = oc, ix = ox, iy = oy;
                for (int j = 0; j < inner; j++, at++, ic += sc, ix += sx, iy += sy)
                    output[at] = cond[(int)ic] != 0 ? x[(int)ix] : y[(int)iy];
                for (int k = rank - 2; k >= 0; k--)
                {
                    oc += strides[0][k]; ox += strides[1][k]; oy += strides[2][k];
                    if (++counter[k] < dims[k]) break;
                    oc -= strides[0][k] * dims[k]; ox -= strides[1][k] * dims[k]; oy -= strides[2][k] * dims[k];
                    counter[k] = 0;
                }
            }
        }
    }
}
