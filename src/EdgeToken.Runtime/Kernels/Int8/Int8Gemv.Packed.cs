using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>Outputs per block of the packed weight layout.</summary>
    public const int PackRows = 8;
    /// <summary>Consecutive k values of one output kept together in the packed weight layout.</summary>
    public const int PackDepth = 4;

    /// <summary>Whether a [N, K] weight can be packed for <see cref="RunPacked(ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, int, int, Span{int}, Span{sbyte})"/>
    /// in place (the same bytes, reordered): N a multiple of <see cref="PackRows"/>, K of <see cref="PackDepth"/>.</summary>
    public static bool CanPack(int n, int k) => n > 0 && k > 0 && n % PackRows == 0 && k % PackDepth == 0;

    /// <summary>The packed index of <c>w[row, col]</c>: blocks of 8 outputs, in each block the k values four at a time, and in
    /// each such group of 32 bytes output after output with its four k values together
    /// (<c>[N/8][K/4][8][4]</c>).</summary>
    public static int PackedIndex(int row, int col, int k) =>
        ((row / PackRows * (k / PackDepth) + col / PackDepth) * PackRows + row % PackRows) * PackDepth + col % PackDepth;

    /// <summary>Reorders a row-major [N, K] weight into the packed layout (the generator does the same at build time).</summary>
    public static void Pack(ReadOnlySpan<sbyte> w, Span<sbyte> packed, int n, int k)
    {
        if (!CanPack(n, k) || w.Length < n * k || packed.Length < n * k) throw new ArgumentException($"cannot pack a [{n}, {k}] weight into {packed.Length} bytes");
        for (int r = 0; r < n; r++)
            for (int c = 0; c < k; c++) packed[PackedIndex(r, c, k)] = w[r * k + c];
    }

    /// <summary><see cref="Run(ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, int, int, Span{int}, Span{sbyte})"/>
    /// on a weight in the packed layout, on the best path of this machine.</summary>
    /// <remarks>Why a packed layout: with W as [N, K] every output is a dot product that ends in a horizontal reduction,
    /// which for the small K of an MLP costs as much as the products. Eight outputs' k values interleaved four at a time
    /// let one multiply-add produce partial sums of eight outputs side by side (AVX-512BW: vpmaddwd over 8 outputs × 4 k;
    /// ARM sdot: 4 outputs × 4 k straight into 4 lanes), so the only reduction left is one pair-add per 8 outputs.</remarks>
    public static void RunPacked(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> packedW, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers,
        ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<int> accumulators, Span<sbyte> y) =>
        RunPacked(Int8Paths.Best, x, packedW, bias, multipliers, shifts, zeroPoint, min, max, accumulators, y);

    /// <summary>On a chosen path; AVX-VNNI, which has no packed kernel of its own, runs the AVX-512BW or AVX2 one. Throws when this machine cannot run the path.</summary>
    public static void RunPacked(Int8Path path, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> packedW, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers,
        ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<int> accumulators, Span<sbyte> y)
    {
        int n = y.Length;
        if (accumulators.Length < n) throw new ArgumentException($"packed int8 GEMV with {n} outputs needs {n} accumulators, got {accumulators.Length}");
        var acc = accumulators.Slice(0, n);
        PackedProducts(path, x, packedW, acc);
        Requantize.Row(acc, bias, multipliers, shifts, zeroPoint, min, max, y);
    }

    /// <summary>The packed products alone, <c>y[o] = Σ_k x[k] · w[o, k]</c> for the y.Length outputs of a weight in the
    /// packed layout, without requantization: for kernels that dequantize the sums to float instead (the int8 GRU's
    /// gates). Every path gives the same int32 sums.</summary>
    public static void PackedProducts(Int8Path path, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> packedW, Span<int> y)
    {
        int n = y.Length, k = x.Length;
        if (!CanPack(n, k) || packedW.Length < n * k)
            throw new ArgumentException($"packed int8 GEMV {k} -> {n}: shape not packable, or weight too short");
        if (!Int8Paths.IsSupported(path)) throw new PlatformNotSupportedException($"int8 path {path} is not supported on this machine");
        ref sbyte xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(packedW);
        ref int ys = ref MemoryMarshal.GetReference(y);
        switch (path)
        {
            case Int8Path.Avx512BW: PackedAvx512BW(ref xs, ref ws, ref ys, k, n); break;
            // No VNNI kernel for the packed layout yet: a machine with AVX-VNNI takes the widest widening one it has.
            case Int8Path.AvxVnni when Avx512BW.IsSupported: PackedAvx512BW(ref xs, ref ws, ref ys, k, n); break;
            case Int8Path.Avx2:
            case Int8Path.AvxVnni: PackedAvx2(ref xs, ref ws, ref ys, k, n); break;
            case Int8Path.AdvSimdDot: PackedAdvSimd(ref xs, ref ws, ref ys, k, n); break;
            case Int8Path.Vector128 when System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported: PackedAdvSimdWidening(ref xs, ref ws, ref ys, k, n); break;
            case Int8Path.Vector128: PackedVector128(ref xs, ref ws, ref ys, k, n); break;
            default: PackedScalar(ref xs, ref ws, ref ys, k, n); break;
        }
    }

    /// <summary>The reference for the packed products: <c>y[o] = Σ_k x[k] · w[o, k]</c> read through <see cref="PackedIndex"/>'s order.</summary>
    private static void PackedScalar(ref sbyte x, ref sbyte w, ref int y, int k, int n)
    {
        int quads = k / PackDepth;
        for (int b = 0; b < n / PackRows; b++)
            for (int o = 0; o < PackRows; o++)
            {
                int sum = 0;
                for (int q = 0; q < quads; q++)
                {
                    ref sbyte group = ref Unsafe.Add(ref w, ((b * quads + q) * PackRows + o) * PackDepth);
                    for (int j = 0; j < PackDepth; j++) sum += Unsafe.Add(ref x, q * PackDepth + j) * Unsafe.Add(ref group, j);
                }
                Unsafe.Add(ref y, b * PackRows + o) = sum;
            }
    }
}
