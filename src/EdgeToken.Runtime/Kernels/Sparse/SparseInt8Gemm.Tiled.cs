using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Sparse;

public static partial class SparseInt8Gemm
{
    /// <summary>The reference for <see cref="RunTiled"/>: one product at a time, the values read through
    /// <see cref="NmTiles.Index"/>.</summary>
    public static void ScalarTiled(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> tiled, ReadOnlySpan<byte> indices, Span<int> y,
        int m, int k, int rows, int n, int mOf, int panel)
    {
        int kept = NmSparse.Kept(k, n, mOf);
        for (int i = 0; i < m; i++)
            for (int r = 0; r < rows; r++)
            {
                int sum = 0;
                for (int j = 0; j < kept; j++)
                    sum += x[i * k + NmSparse.Column(indices, r / panel, j, kept, n, mOf)] * tiled[NmTiles.Index(r, j, rows, kept)];
                y[i * rows + r] = sum;
            }
    }

    /// <summary>Σ of each row's kept values in whole tiles (<paramref name="tiled"/> in <see cref="NmTiles"/>' order; a last
    /// tile narrower than <see cref="NmTiles.Width"/> runs the scalar loop on the true inputs, so it is left out), which
    /// <see cref="RunTiled"/>'s AVX-512BW path needs: built once with the kernel, like the gather control.</summary>
    public static int[] RowSums(ReadOnlySpan<sbyte> tiled, int rows, int kept)
    {
        var sums = new int[rows];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < kept / NmTiles.Width * NmTiles.Width; j++) sums[r] += tiled[NmTiles.Index(r, j, rows, kept)];
        return sums;
    }

    /// <summary><see cref="Run"/> on values in <see cref="NmTiles"/>' order (panel a multiple of <see cref="NmTiles.Rows"/>):
    /// per panel the kept inputs are gathered once and, on the x86 paths, widened to int16 (AVX2) or split into nibbles
    /// (AVX-512BW, which then needs <paramref name="rowSums"/> from <see cref="RowSums"/>) once; then each block of eight
    /// rows is one pass over its contiguous tiles with the eight rows' sums side by side, reduced once per block. The
    /// same exact int32 sums on every path. A last block of fewer than eight rows runs the scalar loop.</summary>
    public static void RunTiled(Int8Path path, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> tiled, ReadOnlySpan<int> rowSums, ReadOnlySpan<byte> indices,
        ReadOnlySpan<byte> control, Span<int> y, int m, int k, int rows, int n, int mOf, int panel, Span<sbyte> scratch, int block)
    {
        int kept = NmSparse.Kept(k, n, mOf), perPanel = k / NmGather.Int8Block * NmGather.Int8Block, gatheredBytes = GatheredBytes(k, n, mOf);
        if (!NmTiles.CanTile(panel)) throw new ArgumentException($"sparse int8 GEMM: panel {panel} is not a multiple of {NmTiles.Rows}, the values cannot be tiled");
        if (scratch.Length < ScratchBytes(k, n, mOf)) throw new ArgumentException($"sparse int8 GEMM: scratch of {scratch.Length} bytes, needs {ScratchBytes(k, n, mOf)}");
        if (x.Length < m * k || tiled.Length < rows * kept || rowSums.Length < rows || y.Length < m * rows) throw new ArgumentException("sparse int8 GEMM: operand or result too short");
        if (!Int8Paths.IsSupported(path)) throw new PlatformNotSupportedException($"int8 path {path} is not supported on this machine");
        // The paths without a tiled kernel of their own take the nearest one, as Int8Gemv.RunPacked does.
        if (path == Int8Path.AvxVnni) path = Avx512BW.IsSupported ? Int8Path.Avx512BW : Int8Path.Avx2;
        // AVX-512BW with the 128-input VBMI gather at exactly 64 kept per block (2:4): the block kernel permutes those
        // inputs in registers (four tiles each), so only the inputs after the last whole block go through scratch.
        int fused = path == Int8Path.Avx512BW && block == NmGather.Int8WideBlock && NmGather.Int8WideBlock / mOf * n == 64 ? k / NmGather.Int8WideBlock : 0;
        ref byte cs = ref MemoryMarshal.GetReference(control);
        var gathered = scratch[..gatheredBytes];
        var widened = MemoryMarshal.Cast<sbyte, short>(scratch.Slice(gatheredBytes, 2 * kept));
        ref sbyte g = ref MemoryMarshal.GetReference(gathered);
        ref short xw = ref MemoryMarshal.GetReference(widened);
        ref int sums = ref MemoryMarshal.GetReference(rowSums);
        ref sbyte ws = ref MemoryMarshal.GetReference(tiled);
        for (int i = 0; i < m; i++)
        {
            var xi = x.Slice(i * k, k);
            ref int yi = ref y[i * rows];
            for (int r0 = 0; r0 < rows; r0 += NmTiles.Rows)
            {
                int p = r0 / panel;
                if (r0 % panel == 0)
                {
                    if (path == Int8Path.Scalar) NmGather.Scalar(xi, indices, p, k, n, mOf, gathered);
                    else NmGather.Int8(xi, indices, control.Slice(p * perPanel), p, k, n, mOf, gathered, block, skipWide: fused > 0 && rows - r0 >= panel); // a last, shorter block reads all of scratch
                    if (path == Int8Path.Avx2) Widen(ref g, ref xw, kept);
                }
                ref sbyte w = ref Unsafe.Add(ref ws, r0 * kept);
                ref int yb = ref Unsafe.Add(ref yi, r0);
                if (rows - r0 < NmTiles.Rows) { BlockScalar(ref g, ref w, ref yb, kept, rows - r0); continue; }
                switch (path)
                {
                    case Int8Path.Avx512BW: BlockAvx512BW(ref MemoryMarshal.GetReference(xi), ref Unsafe.Add(ref cs, p * perPanel), fused, ref g, ref w, ref Unsafe.Add(ref sums, r0), ref yb, kept); break;
                    case Int8Path.Avx2: BlockAvx2(ref xw, ref g, ref w, ref yb, kept); break;
                    case Int8Path.AdvSimdDot: BlockAdvSimd(ref g, ref w, ref yb, kept); break;
                    case Int8Path.Vector128 when AdvSimd.Arm64.IsSupported: BlockAdvSimdWidening(ref g, ref w, ref yb, kept); break;
                    case Int8Path.Vector128: BlockVector128(ref g, ref w, ref yb, kept); break;
                    default: BlockScalar(ref g, ref w, ref yb, kept, NmTiles.Rows); break;
                }
            }
        }
    }

    /// <summary>One block of <paramref name="count"/> rows from the gathered inputs, one product at a time: the scalar
    /// path, a last block of fewer than eight rows, and every vector block's last, narrower tile.</summary>
    private static void BlockScalar(ref sbyte x, ref sbyte w, ref int y, int kept, int count, int from = 0)
    {
        for (int r = 0; r < count; r++)
        {
            int sum = 0;
            for (int t = from; t < kept; t += NmTiles.Width)
            {
                int width = Math.Min(NmTiles.Width, kept - t);
                ref sbyte slab = ref Unsafe.Add(ref w, t * count + r * width);
                for (int j = 0; j < width; j++) sum += Unsafe.Add(ref x, t + j) * Unsafe.Add(ref slab, j);
            }
            Unsafe.Add(ref y, r) = from == 0 ? sum : Unsafe.Add(ref y, r) + sum;
        }
    }

    /// <summary>The last tile of a full block when kept is not a multiple of <see cref="NmTiles.Width"/>; adds to y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tail(ref sbyte x, ref sbyte w, ref int y, int kept, int full)
    {
        if (full < kept) BlockScalar(ref x, ref w, ref y, kept, NmTiles.Rows, full);
    }
}
