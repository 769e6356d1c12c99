using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Int8;

// The AVX-512 blocks' epilogue when the requantization is fused (RunFused): each block's int32 sums, still in registers,
// requantized with the channel's NarrowRequantization and stored as bytes.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>The <c>TOut</c> of the blocks that stores the int32 sums (its <c>Sixteen</c> is never called).</summary>
    private readonly struct SumsOut : Requantize.INarrowSign
    {
        public static Vector128<sbyte> Sixteen(Vector512<int> sums, Vector512<int> multiplier, Vector512<int> biasProduct, Vector512<int> offset,
            Vector128<int> shift, Vector512<int> lo, Vector512<int> hi) => throw new InvalidOperationException("the sums are stored, not requantized");
    }

    /// <summary>Channel <paramref name="k"/> of the block: four vectors of sums requantized and stored at output offsets
    /// <paramref name="a0"/>..<paramref name="a3"/> of its row of <paramref name="y"/> (channel k at k · outPixels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBytes<TOut>(Vector512<int> s0, Vector512<int> s1, Vector512<int> s2, Vector512<int> s3, ref NarrowRequantization n, int k,
        ref sbyte y, int outPixels, nuint a0, nuint a1, nuint a2, nuint a3) where TOut : struct, Requantize.INarrowSign
    {
        var (m, bp, off, sh, lo, hi) = Requantize.NarrowConstants<TOut>(Unsafe.Add(ref n, k));
        ref sbyte row = ref Unsafe.Add(ref y, k * outPixels);
        TOut.Sixteen(s0, m, bp, off, sh, lo, hi).StoreUnsafe(ref row, a0);
        TOut.Sixteen(s1, m, bp, off, sh, lo, hi).StoreUnsafe(ref row, a1);
        TOut.Sixteen(s2, m, bp, off, sh, lo, hi).StoreUnsafe(ref row, a2);
        TOut.Sixteen(s3, m, bp, off, sh, lo, hi).StoreUnsafe(ref row, a3);
    }

    /// <summary>One vector of sums for each of the block's four channels, requantized and stored at the start of
    /// each channel's row of <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBytes<TOut>(Vector512<int> c0, Vector512<int> c1, Vector512<int> c2, Vector512<int> c3, ref NarrowRequantization n,
        ref sbyte y, int outPixels) where TOut : struct, Requantize.INarrowSign
    {
        One<TOut>(c0, ref n, 0, ref y, outPixels);
        One<TOut>(c1, ref n, 1, ref y, outPixels);
        One<TOut>(c2, ref n, 2, ref y, outPixels);
        One<TOut>(c3, ref n, 3, ref y, outPixels);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void One<TOut>(Vector512<int> sums, ref NarrowRequantization n, int k, ref sbyte y, int outPixels) where TOut : struct, Requantize.INarrowSign
    {
        var (m, bp, off, sh, lo, hi) = Requantize.NarrowConstants<TOut>(Unsafe.Add(ref n, k));
        TOut.Sixteen(sums, m, bp, off, sh, lo, hi).StoreUnsafe(ref Unsafe.Add(ref y, k * outPixels));
    }
}
