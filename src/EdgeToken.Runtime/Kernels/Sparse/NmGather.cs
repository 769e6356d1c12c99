using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>Gathers the inputs a panel of N:M rows multiplies: <c>gathered[j] = x[column(j)]</c>, once per panel, so the
/// panel's rows then run as dense dot products of length k · N / M.</summary>
/// <remarks>int8: one vpermi2b per 128 inputs where AVX-512 VBMI is there (64 kept bytes at 2:4 in one instruction), then
/// one byte shuffle per 16 (pshufb / ARM tbl); float: one vpermps per 8. Each stores a whole vector and the next store
/// overwrites its padding, so <c>gathered</c> needs <see cref="Slack"/> elements after the kept values. Inputs past the
/// last whole block go through the scalar reference. The control is <see cref="NmSparse.GatherControl"/> built with the
/// same block sizes.</remarks>
public static class NmGather
{
    /// <summary>The small int8 block: one 128-bit byte shuffle.</summary>
    public const int Int8Block = 16;
    /// <summary>The large int8 block: one vpermi2b over two 512-bit registers.</summary>
    public const int Int8WideBlock = 128;
    public const int FloatBlock = 8;

    /// <summary>Elements of slack <c>gathered</c> needs after its kept values.</summary>
    public const int Slack = 64;

    /// <summary>The large int8 block this machine gathers N:M inputs with: <see cref="Int8WideBlock"/> with VBMI when the
    /// kept bytes of 128 inputs fit one 64-byte register (N / M ≤ 1/2), else <see cref="Int8Block"/>.</summary>
    public static int Int8BlockFor(int n, int m) => Avx512Vbmi.IsSupported && Int8WideBlock / m * n <= 64 ? Int8WideBlock : Int8Block;

    public static void Scalar<T>(ReadOnlySpan<T> x, ReadOnlySpan<byte> indices, int p, int k, int n, int m, Span<T> gathered, int from = 0)
        where T : unmanaged
    {
        int kept = NmSparse.Kept(k, n, m);
        for (int j = from; j < kept; j++) gathered[j] = x[NmSparse.Column(indices, p, j, kept, n, m)];
    }

    public static bool IsAccelerated(bool int8) => int8 ? Ssse3.IsSupported || AdvSimd.Arm64.IsSupported : Avx2.IsSupported;

    /// <summary>int8 inputs of panel p; <paramref name="control"/> is the panel's slice of the control built with
    /// <paramref name="block"/> (<see cref="Int8WideBlock"/> needs VBMI) and <see cref="Int8Block"/>.</summary>
    /// <remarks><paramref name="skipWide"/>: leave out the inputs the <see cref="Int8WideBlock"/> blocks cover (a kernel
    /// that permutes those in registers itself, <see cref="SparseInt8Gemm.RunTiled"/>), gather only the rest.</remarks>
    public static void Int8(ReadOnlySpan<sbyte> x, ReadOnlySpan<byte> indices, ReadOnlySpan<byte> control, int p, int k, int n, int m,
        Span<sbyte> gathered, int block, bool skipWide = false)
    {
        if (!IsAccelerated(true))
        {
            Scalar(x, indices, p, k, n, m, gathered);
            return;
        }
        ref sbyte xs = ref MemoryMarshal.GetReference(x);
        ref byte cs = ref MemoryMarshal.GetReference(control);
        ref sbyte gs = ref MemoryMarshal.GetReference(gathered);
        int start = 0;
        if (block == Int8WideBlock)
        {
            if (!Avx512Vbmi.IsSupported || Int8WideBlock / m * n > 64) throw new PlatformNotSupportedException($"the 128-byte sparse gather needs AVX-512 VBMI and N/M <= 1/2 (here {n}:{m})");
            if (skipWide) start = k / Int8WideBlock * Int8WideBlock;
            for (; start + Int8WideBlock <= k; start += Int8WideBlock)
            {
                var lo = Vector512.LoadUnsafe(ref xs, (nuint)start);
                var hi = Vector512.LoadUnsafe(ref xs, (nuint)(start + 64));
                var c = Vector512.LoadUnsafe(ref cs, (nuint)start).AsSByte();
                Avx512Vbmi.PermuteVar64x8x2(lo, c, hi).StoreUnsafe(ref gs, (nuint)(start / m * n));
            }
        }
        for (; start + Int8Block <= k; start += Int8Block)
        {
            var v = Vector128.LoadUnsafe(ref xs, (nuint)start);
            var c = Vector128.LoadUnsafe(ref cs, (nuint)start).AsSByte();
            var g = Ssse3.IsSupported ? Ssse3.Shuffle(v, c) : AdvSimd.Arm64.VectorTableLookup(v.AsByte(), c.AsByte()).AsSByte();
            g.StoreUnsafe(ref gs, (nuint)(start / m * n));
        }
        Scalar(x, indices, p, k, n, m, gathered, start / m * n);
    }

    /// <summary>float inputs of panel p; <paramref name="control"/> is the panel's slice of the control built with
    /// <see cref="FloatBlock"/>.</summary>
    public static void Float(ReadOnlySpan<float> x, ReadOnlySpan<byte> indices, ReadOnlySpan<byte> control, int p, int k, int n, int m, Span<float> gathered)
    {
        int blocks = IsAccelerated(false) ? k / FloatBlock : 0, perBlock = FloatBlock / m * n;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref byte cs = ref MemoryMarshal.GetReference(control);
        ref float gs = ref MemoryMarshal.GetReference(gathered);
        for (int b = 0; b < blocks; b++)
        {
            // 0x80 padding: vpermps reads only the low 3 bits, so padding lanes copy lane 0, then get overwritten.
            var c = Avx2.ConvertToVector256Int32(Vector64.LoadUnsafe(ref cs, (nuint)(b * FloatBlock)).ToVector128Unsafe());
            Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref xs, (nuint)(b * FloatBlock)), c).StoreUnsafe(ref gs, (nuint)(b * perBlock));
        }
        Scalar(x, indices, p, k, n, m, gathered, blocks * perBlock);
    }
}
