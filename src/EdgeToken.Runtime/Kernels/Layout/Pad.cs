using System.Runtime.InteropServices;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Pad with modes constant, reflect (mirror without repeating the edge), edge (repeat the edge) and wrap
/// (periodic). Negative pads crop. Each output coordinate along each axis maps to an input coordinate (or to
/// "the constant"); the maps are built once, and the innermost axis copies its unpadded middle in one block.</summary>
internal sealed class PadOperator : OperatorDefinition
{
    public override string OpType => "Pad";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        var (begin, end) = Pads(node);
        string mode = node.Attributes.GetString("mode", "constant");
        var dims = new int[input.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = input.Dims[i] + begin[i] + end[i];
            if (d < 0) throw new ShapeException($"Pad '{node.NodeName}': pads [{begin[i]}, {end[i]}] crop axis {i} of size {input.Dims[i]} below zero");
            if (d > 0 && input.Dims[i] == 0 && mode != "constant")
                throw new ShapeException($"Pad '{node.NodeName}': {mode} padding of an empty axis {i}");
            dims[i] = (int)d;
        }
        node.SetOutput(0, input.Type, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        int size = ElementBytes.Require(node, 0);
        var input = node.Input(0);
        var output = node.Output(0);
        var (begin, _) = Pads(node);
        string mode = node.Attributes.GetString("mode", "constant");
        var maps = new int[input.Rank][];
        for (int a = 0; a < input.Rank; a++)
        {
            maps[a] = new int[output.Dims[a]];
            for (int j = 0; j < maps[a].Length; j++) maps[a][j] = Source(mode, j - begin[a], input.Dims[a], node);
        }
        byte[] constant = new byte[size];
        if (node.Opset < 11) ElementBytes.FromDouble(input.Type, node.Attributes.GetFloat("value", 0f)).CopyTo(constant, 0);
        return new PadKernel(size, input.Dims, output.Dims, maps, constant, node.Opset >= 11 && node.HasInput(2));
    }

    /// <summary>The input coordinate output coordinate <paramref name="x"/> (already shifted by the begin pad) reads, or -1 for the constant.</summary>
    internal static int Source(string mode, long x, int dim, NodeContext node)
    {
        if (x >= 0 && x < dim) return (int)x;
        switch (mode)
        {
            case "constant":
                return -1;
            case "edge":
                return x < 0 ? 0 : dim - 1;
            case "wrap":
                return (int)(((x % dim) + dim) % dim);
            case "reflect":
                if (dim == 1) return 0;
                long period = 2L * (dim - 1);
                long m = ((x % period) + period) % period;
                return (int)(m < dim ? m : period - m);
            default:
                throw new UnsupportedOperatorException($"Pad '{node.NodeName}': mode '{mode}'");
        }
    }

    private static (long[] Begin, long[] End) Pads(NodeContext node)
    {
        int rank = node.Input(0).Rank;
        long[] pads = node.Opset < 11
            ? node.Attributes.GetInts(node.Opset < 2 ? "paddings" : "pads") ?? throw new ShapeException($"Pad '{node.NodeName}' has no pads")
            : node.RequireConstant(1, "pads").ToInt64Array();
        int[] axes;
        if (node.Opset >= 18 && node.HasInput(3))
            axes = AxesArgument.Normalize(node, node.RequireConstant(3, "axes").ToInt64Array(), rank);
        else
        {
            axes = new int[rank];
            for (int i = 0; i < rank; i++) axes[i] = i;
        }
        if (pads.Length != 2 * axes.Length)
            throw new ShapeException($"Pad '{node.NodeName}': {pads.Length} pads for {axes.Length} axes (need two per axis)");
        var begin = new long[rank];
        var end = new long[rank];
        for (int i = 0; i < axes.Length; i++)
        {
            begin[axes[i]] = pads[i];
            end[axes[i]] = pads[axes.Length + i];
        }
        return (begin, end);
    }

    private sealed class PadKernel : Kernel
    {
        private readonly int _size;
        private readonly int[] _inStrides;
        private readonly int[] _outDims;
        private readonly int[][] _maps;
        private readonly byte[] _constant;
        private readonly bool _constantInput;
        // The innermost axis's unpadded middle: output [_midStart, _midStart + _midLength) reads input from _midSource on.
        private readonly int _midStart, _midLength, _midSource;

        public PadKernel(int size, int[] inDims, int[] outDims, int[][] maps, byte[] constant, bool constantInput)
        {
            _size = size;
            _inStrides = Shape.Strides(inDims);
            _outDims = outDims;
            _maps = maps;
            _constant = constant;
            _constantInput = constantInput;
            if (outDims.Length > 0)
            {
                var inner = maps[^1];
                // Longest run where the map steps by one: the copy of the input row (possibly cropped).
                int best = 0, bestStart = 0;
                for (int j = 0; j < inner.Length;)
                {
                    if (inner[j] < 0) { j++; continue; }
                    int k = j + 1;
                    while (k < inner.Length && inner[k] == inner[k - 1] + 1) k++;
                    if (k - j > best) { best = k - j; bestStart = j; }
                    j = k;
                }
                _midStart = bestStart;
                _midLength = best;
                _midSource = best > 0 ? inner[bestStart] : 0;
            }
        }

        public override void Run(in KernelArgs args)
        {
            var input = args.InputBytes(0);
            var output = args.OutputBytes(0);
            ReadOnlySpan<byte> constant = _constantInput && args.HasInput(2) ? args.InputBytes(2).Slice(0, _size) : _constant;
            switch (_size)
            {
                case 1: Walk(input, output, constant[0]); break;
                case 2: Walk(MemoryMarshal.Cast<byte, ushort>(input), MemoryMarshal.Cast<byte, ushort>(output), MemoryMarshal.Read<ushort>(constant)); break;
                case 4: Walk(MemoryMarshal.Cast<byte, uint>(input), MemoryMarshal.Cast<byte, uint>(output), MemoryMarshal.Read<uint>(constant)); break;
                case 8: Walk(MemoryMarshal.Cast<byte, ulong>(input), MemoryMarshal.Cast<byte, ulong>(output), MemoryMarshal.Read<ulong>(constant)); break;
                case 16: Walk(MemoryMarshal.Cast<byte, Int128>(input), MemoryMarshal.Cast<byte, Int128>(output), MemoryMarshal.Read<Int128>(constant)); break;
                default: throw new NotSupportedException($"element size {_size}");
            }
        }

        private void Walk<T>(ReadOnlySpan<T> src, Span<T> dst, T constant) where T : unmanaged
        {
            int rank = _outDims.Length;
            if (rank == 0) { dst[0] = src[0]; return; }
            if (dst.Length == 0) return;
            int inner = _outDims[^1];
            int[] innerMap = _maps[^1];
            Span<int> counter = stackalloc int[rank];
            counter.Clear();
            int rows = inner == 0 ? 0 : dst.Length / inner;
            for (int row = 0; row < rows; row++)
            {
                var d = dst.Slice(row * inner, inner);
                int rowOffset = 0;
                bool padded = false;
                for (int a = 0; a < rank - 1; a++)
                {
                    int s = _maps[a][counter[a]];
                    if (s < 0) { padded = true; break; }
                    rowOffset += s * _inStrides[a];
                }
                if (padded) d.Fill(constant);
                else
                {
                    for (int j = 0; j < _midStart; j++) d[j] = innerMap[j] < 0 ? constant : src[rowOffset + innerMap[j]];
                    src.Slice(rowOffset + _midSource, _midLength).CopyTo(d.Slice(_midStart, _midLength));
                    for (int j = _midStart + _midLength; j < inner; j++) d[j] = innerMap[j] < 0 ? constant : src[rowOffset + innerMap[j]];
                }
                for (int a = rank - 2; a >= 0; a--)
                {
                    if (++counter[a] < _outDims[a]) break;
                    counter[a] = 0;
                }
            }
        }
    }
}
