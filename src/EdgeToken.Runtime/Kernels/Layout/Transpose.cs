using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Transpose: output axis i is input axis perm[i] (default: reversed).</summary>
/// <remarks>Before running, size-1 axes are dropped and input axes that stay neighbours in the same order are merged.
/// What is left is often a batched 2-D transpose (a matrix transpose, or one axis moved elsewhere, such as NCHW to
/// NHWC, which merges to [N, C, HW] -> [N, HW, C]); that runs as a cache-blocked tile copy. Anything else walks the
/// input with permuted strides.</remarks>
public static class Transpose
{
    /// <summary>Tile edge in elements: 16x16 tiles of 4-byte elements are 1 KiB each side, so a source and a
    /// destination tile stay in L1 while every line of both is used fully.</summary>
    internal const int Tile = 16;

    /// <summary>The reference: for every output index, the input element it names.</summary>
    public static void Scalar(ReadOnlySpan<byte> input, Span<byte> output, ReadOnlySpan<int> inputDims, ReadOnlySpan<int> perm, int elementSize)
    {
        int rank = inputDims.Length;
        var inStrides = Shape.Strides(inputDims);
        var outDims = new int[rank];
        for (int i = 0; i < rank; i++) outDims[i] = inputDims[perm[i]];
        long count = Shape.ElementCount(inputDims);
        var index = new int[rank];
        for (long o = 0; o < count; o++)
        {
            long rest = o, src = 0;
            for (int i = rank - 1; i >= 0; i--)
            {
                index[i] = (int)(rest % outDims[i]);
                rest /= outDims[i];
                src += (long)index[i] * inStrides[perm[i]];
            }
            input.Slice((int)(src * elementSize), elementSize).CopyTo(output.Slice((int)(o * elementSize)));
        }
    }

    /// <summary>out[b, c, r, i] = in[b, r, c, i] over <paramref name="batch"/> row-major [rows, cols] matrices whose
    /// elements are blocks of <paramref name="inner"/> values, tile by tile.</summary>
    public static void Batched2D<T>(ReadOnlySpan<T> src, Span<T> dst, int batch, int rows, int cols, int inner) where T : unmanaged
    {
        int plane = rows * cols * inner;
        for (int b = 0; b < batch; b++)
        {
            var s = src.Slice(b * plane, plane);
            var d = dst.Slice(b * plane, plane);
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile);
                for (int c0 = 0; c0 < cols; c0 += Tile)
                {
                    int c1 = Math.Min(cols, c0 + Tile);
                    if (inner == 1 && Unsafe.SizeOf<T>() == 4 && Quad.IsSupported)
                        Tile4(MemoryMarshal.Cast<T, uint>(s), MemoryMarshal.Cast<T, uint>(d), rows, cols, r0, r1, c0, c1);
                    else if (inner == 1)
                    {
                        for (int c = c0; c < c1; c++)
                            for (int r = r0; r < r1; r++)
                                d[c * rows + r] = s[r * cols + c];
                    }
                    else
                    {
                        for (int c = c0; c < c1; c++)
                            for (int r = r0; r < r1; r++)
                                s.Slice((r * cols + c) * inner, inner).CopyTo(d.Slice((c * rows + r) * inner, inner));
                    }
                }
            }
        }
    }
    /// <summary>One tile of 32-bit elements: whole 4x4 blocks through registers, the ragged edges element by element.</summary>
    private static void Tile4(ReadOnlySpan<uint> s, Span<uint> d, int rows, int cols, int r0, int r1, int c0, int c1)
    {
        ref uint src = ref MemoryMarshal.GetReference(s);
        ref uint dst = ref MemoryMarshal.GetReference(d);
        int r4 = r0 + (r1 - r0) / 4 * 4, c4 = c0 + (c1 - c0) / 4 * 4;
        for (int r = r0; r < r4; r += 4)
            for (int c = c0; c < c4; c += 4)
                Quad.Transpose(ref Unsafe.Add(ref src, r * cols + c), cols, ref Unsafe.Add(ref dst, c * rows + r), rows);
        for (int c = c0; c < c1; c++)
            for (int r = c < c4 ? r4 : r0; r < r1; r++)
                d[c * rows + r] = s[r * cols + c];
    }
}

/// <summary>4x4 transposes of 32-bit elements in 128-bit registers: interleave pairs of rows by 32-bit lanes, then by
/// 64-bit halves (SSE2 unpack or Arm64 zip), the classic four-shuffle transpose.</summary>
internal static class Quad
{
    public static bool IsSupported => Sse2.IsSupported || AdvSimd.Arm64.IsSupported;

    private static Vector128<uint> Lo32(Vector128<uint> a, Vector128<uint> b) => Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b);
    private static Vector128<uint> Hi32(Vector128<uint> a, Vector128<uint> b) => Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b);
    private static Vector128<uint> Lo64(Vector128<uint> a, Vector128<uint> b) =>
        (Sse2.IsSupported ? Sse2.UnpackLow(a.AsUInt64(), b.AsUInt64()) : AdvSimd.Arm64.ZipLow(a.AsUInt64(), b.AsUInt64())).AsUInt32();
    private static Vector128<uint> Hi64(Vector128<uint> a, Vector128<uint> b) =>
        (Sse2.IsSupported ? Sse2.UnpackHigh(a.AsUInt64(), b.AsUInt64()) : AdvSimd.Arm64.ZipHigh(a.AsUInt64(), b.AsUInt64())).AsUInt32();

    /// <summary>Writes the transpose of the 4x4 block at <paramref name="src"/> (row stride <paramref name="srcStride"/>)
    /// to <paramref name="dst"/> (row stride <paramref name="dstStride"/>).</summary>
    public static void Transpose(ref uint src, int srcStride, ref uint dst, int dstStride)
    {
        var r0 = Vector128.LoadUnsafe(ref src);
        var r1 = Vector128.LoadUnsafe(ref src, (nuint)srcStride);
        var r2 = Vector128.LoadUnsafe(ref src, (nuint)(2 * srcStride));
        var r3 = Vector128.LoadUnsafe(ref src, (nuint)(3 * srcStride));
        var t0 = Lo32(r0, r1); // r00 r10 r01 r11
        var t1 = Lo32(r2, r3); // r20 r30 r21 r31
        var t2 = Hi32(r0, r1); // r02 r12 r03 r13
        var t3 = Hi32(r2, r3); // r22 r32 r23 r33
        Lo64(t0, t1).StoreUnsafe(ref dst);
        Hi64(t0, t1).StoreUnsafe(ref dst, (nuint)dstStride);
        Lo64(t2, t3).StoreUnsafe(ref dst, (nuint)(2 * dstStride));
        Hi64(t2, t3).StoreUnsafe(ref dst, (nuint)(3 * dstStride));
    }
}

internal sealed class TransposeOperator : OperatorDefinition
{
    public override string OpType => "Transpose";

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        var perm = Permutation(node);
        var dims = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) dims[i] = input.Dims[perm[i]];
        node.SetOutput(0, input.Type, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        int size = ElementBytes.Require(node, 0);
        var input = node.Input(0);
        var perm = Permutation(node);
        Merge(input.Dims, perm, out var dims, out var p);
        if (IsIdentity(p)) return ViewKernel.Instance;
        if (TryBatched2D(dims, p, out int batch, out int rows, out int cols, out int inner))
            return new Batched2DKernel(size, batch, rows, cols, inner);
        var inStrides = Shape.Strides(dims);
        var outDims = new int[p.Length];
        var strides = new long[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            outDims[i] = dims[p[i]];
            strides[i] = inStrides[p[i]];
        }
        return new StridedKernel(new StridedCopy(outDims, strides, 0, size));
    }

    private static int[] Permutation(NodeContext node)
    {
        int rank = node.Input(0).Rank;
        long[]? attr = node.Attributes.GetInts("perm");
        var perm = new int[rank];
        if (attr is null)
        {
            for (int i = 0; i < rank; i++) perm[i] = rank - 1 - i;
            return perm;
        }
        if (attr.Length != rank)
            throw new ShapeException($"Transpose '{node.NodeName}': perm has {attr.Length} entries for an input of rank {rank}");
        var seen = new bool[rank];
        for (int i = 0; i < rank; i++)
        {
            long a = attr[i];
            if (a < 0 || a >= rank || seen[a])
                throw new ShapeException($"Transpose '{node.NodeName}': perm [{string.Join(", ", attr)}] is not a permutation of 0..{rank - 1}");
            seen[a] = true;
            perm[i] = (int)a;
        }
        return perm;
    }

    /// <summary>Drops size-1 input axes, then merges input axes k and k+1 wherever the permutation keeps k+1 right
    /// after k; the result moves exactly the same bytes.</summary>
    internal static void Merge(int[] inputDims, int[] perm, out int[] dims, out int[] mergedPerm)
    {
        // Axes (in output order) that survive, with their input dims.
        var kept = new List<int>();
        foreach (int a in perm) if (inputDims[a] != 1) kept.Add(a);
        // Group runs of consecutive input axes in output order.
        var groups = new List<(int First, int Last)>();
        foreach (int a in kept)
        {
            if (groups.Count > 0 && NextKept(inputDims, groups[^1].Last) == a)
                groups[^1] = (groups[^1].First, a);
            else
                groups.Add((a, a));
        }
        // Renumber groups by their input position.
        var order = new List<int>();
        for (int i = 0; i < groups.Count; i++) order.Add(i);
        order.Sort((x, y) => groups[x].First.CompareTo(groups[y].First));
        dims = new int[groups.Count];
        mergedPerm = new int[groups.Count];
        var rankOf = new int[groups.Count];
        for (int newAxis = 0; newAxis < order.Count; newAxis++)
        {
            var g = groups[order[newAxis]];
            int d = 1;
            for (int a = g.First; a <= g.Last; a++) d *= inputDims[a];
            dims[newAxis] = d;
            rankOf[order[newAxis]] = newAxis;
        }
        for (int i = 0; i < groups.Count; i++) mergedPerm[i] = rankOf[i];
    }

    private static int NextKept(int[] dims, int axis)
    {
        for (int a = axis + 1; a < dims.Length; a++) if (dims[a] != 1) return a;
        return -1;
    }

    private static bool IsIdentity(int[] p)
    {
        for (int i = 0; i < p.Length; i++) if (p[i] != i) return false;
        return true;
    }

    /// <summary>Recognises [B, R, C, I] -> [B, C, R, I] with B and I optional.</summary>
    internal static bool TryBatched2D(int[] dims, int[] p, out int batch, out int rows, out int cols, out int inner)
    {
        batch = rows = cols = inner = 1;
        int lead = p.Length > 0 && p[0] == 0 ? 1 : 0;
        int tail = p.Length > lead && p[^1] == p.Length - 1 ? 1 : 0;
        if (p.Length - lead - tail != 2 || p[lead] != lead + 1 || p[lead + 1] != lead) return false;
        if (lead == 1) batch = dims[0];
        rows = dims[lead];
        cols = dims[lead + 1];
        if (tail == 1) inner = dims[^1];
        return true;
    }

    private sealed class Batched2DKernel(int elementSize, int batch, int rows, int cols, int inner) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            var s = args.InputBytes(0);
            var d = args.OutputBytes(0);
            switch (elementSize)
            {
                case 1: Transpose.Batched2D(s, d, batch, rows, cols, inner); break;
                case 2: Transpose.Batched2D(MemoryMarshal.Cast<byte, ushort>(s), MemoryMarshal.Cast<byte, ushort>(d), batch, rows, cols, inner); break;
                case 4: Transpose.Batched2D(MemoryMarshal.Cast<byte, uint>(s), MemoryMarshal.Cast<byte, uint>(d), batch, rows, cols, inner); break;
                case 8: Transpose.Batched2D(MemoryMarshal.Cast<byte, ulong>(s), MemoryMarshal.Cast<byte, ulong>(d), batch, rows, cols, inner); break;
                default: Transpose.Batched2D(s, d, batch, rows, cols, inner * elementSize); break;
            }
        }
    }
}

/// <summary>Runs a precomputed <see cref="StridedCopy"/> from input 0 to output 0.</summary>
internal sealed class StridedKernel(StridedCopy copy) : Kernel
{
    public StridedCopy Copy => copy;

    public override void Run(in KernelArgs args) => copy.Run(args.InputBytes(0), args.OutputBytes(0));
}
