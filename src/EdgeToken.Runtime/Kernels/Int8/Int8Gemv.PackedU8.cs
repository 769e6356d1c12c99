using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemv
{
    /// <summary>Σ_k w[o, k] for every output of a packed [N, K] weight: the sums <see cref="RunPacked(Int8Path, ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, int, int, Span{int}, Span{sbyte})"/>
    /// takes for its u8 kernels. Computed once, when the weight is packed.</summary>
    public static void PackedRowSums(ReadOnlySpan<sbyte> packedW, Span<int> sums, int n, int k)
    {
        if (!CanPack(n, k) || packedW.Length < n * k || sums.Length < n) throw new ArgumentException($"row sums of a packed [{n}, {k}] weight: shape not packable, or spans too short");
        sums[..n].Clear();
        for (int i = 0; i < n * k; i++)
        {
            int group = i / (PackRows * PackDepth), o = i / PackDepth % PackRows;
            sums[group / (k / PackDepth) * PackRows + o] += packedW[i];
        }
    }

    /// <summary><see cref="RunPacked(Int8Path, ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, int, int, Span{int}, Span{sbyte})"/>
    /// for a weight whose pairs all fit vpmaddubsw (<see cref="U8S8Pairs.Fit"/>, checked by the caller once, when it packed
    /// the weight), with its <paramref name="rowSums"/> (<see cref="PackedRowSums"/>). The x86 paths then multiply
    /// x + 128 as u8 by w with vpmaddubsw and subtract 128 · Σw: 64 multiply-adds in three instructions on AVX-512BW,
    /// where sign-extending both sides takes three for 32. Empty <paramref name="rowSums"/>, or a path without such a
    /// kernel (scalar, Vector128, ARM), runs the signed kernels; every path gives the same integers.</summary>
    public static void RunPacked(Int8Path path, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> packedW, ReadOnlySpan<int> rowSums, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<int> accumulators, Span<sbyte> y)
    {
        int n = y.Length, k = x.Length;
        Int8Path? u8 = rowSums.IsEmpty ? null : U8Path(path);
        if (u8 is null)
        {
            RunPacked(path, x, packedW, bias, multipliers, shifts, zeroPoint, min, max, accumulators, y);
            return;
        }
        if (!CanPack(n, k) || packedW.Length < n * k || accumulators.Length < n || rowSums.Length < n)
            throw new ArgumentException($"packed int8 GEMV {k} -> {n}: shape not packable, or weight, row sums or accumulators too short");
        if (!Int8Paths.IsSupported(path)) throw new PlatformNotSupportedException($"int8 path {path} is not supported on this machine");
        var acc = accumulators.Slice(0, n);
        ref sbyte xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(packedW);
        ref int sums = ref MemoryMarshal.GetReference(rowSums);
        ref int ys = ref MemoryMarshal.GetReference(acc);
        if (u8 == Int8Path.Avx512BW) PackedU8Avx512BW(ref xs, ref ws, ref sums, ref ys, k, n);
        else PackedU8Avx2(ref xs, ref ws, ref sums, ref ys, k, n);
        Requantize.Row(acc, bias, multipliers, shifts, zeroPoint, min, max, y);
    }

    /// <summary>On the best path of this machine.</summary>
    public static void RunPacked(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> packedW, ReadOnlySpan<int> rowSums, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<int> accumulators, Span<sbyte> y) =>
        RunPacked(Int8Paths.Best, x, packedW, rowSums, bias, multipliers, shifts, zeroPoint, min, max, accumulators, y);

    /// <summary>The u8 kernel a path runs: AVX-512BW and AVX2 their own, AVX-VNNI (no packed kernel of its own) the widest
    /// it implies; null for the paths that stay signed.</summary>
    private static Int8Path? U8Path(Int8Path path) => path switch
    {
        Int8Path.Avx512BW => Int8Path.Avx512BW,
        Int8Path.AvxVnni when Avx512BW.IsSupported => Int8Path.Avx512BW,
        Int8Path.Avx2 or Int8Path.AvxVnni => Int8Path.Avx2,
        _ => null,
    };

    /// <summary>The u8 kernels' definition in plain C#: pairs of x + 128 times w added in int16 with saturation (as
    /// vpmaddubsw does), widened, summed, minus 128 · Σw. Equal to <see cref="PackedScalar"/> exactly when every pair
    /// fits; the tests use it to show what a pair past the bound would do.</summary>
    internal static void PackedU8Scalar(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> packedW, ReadOnlySpan<int> rowSums, Span<int> y, int k, int n)
    {
        int quads = k / PackDepth;
        for (int b = 0; b < n / PackRows; b++)
            for (int o = 0; o < PackRows; o++)
            {
                int sum = 0;
                for (int q = 0; q < quads; q++)
                {
                    int at = ((b * quads + q) * PackRows + o) * PackDepth;
                    for (int j = 0; j < PackDepth; j += 2)
                    {
                        int pair = (x[q * PackDepth + j] + 128) * packedW[at + j] + (x[q * PackDepth + j + 1] + 128) * packedW[at + j + 1];
                        sum += Math.Clamp(pair, short.MinValue, short.MaxValue);
                    }
                }
                y[b * PackRows + o] = sum - 128 * rowSums[b * PackRows + o];
            }
    }
}
