using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Int8;

// The AVX-512 blocks' epilogue when the requantization is fused (RunFused): each block's int32 sums, still in registers,
// requantized with the channel's NarrowRequantization and stored as bytes. (The AVX2 4 x 2 blocks do it with
// Requantize.Sixteen256.)
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

    /// <summary>A 4 x 4 block's end: the sums stored in the accumulator rows (<see cref="SumsOut"/>), or requantized and
    /// stored as bytes, 64 outputs of each channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4x4<TOut>(Vector512<int> c00, Vector512<int> c01, Vector512<int> c02, Vector512<int> c03,
        Vector512<int> c10, Vector512<int> c11, Vector512<int> c12, Vector512<int> c13, Vector512<int> c20, Vector512<int> c21, Vector512<int> c22, Vector512<int> c23,
        Vector512<int> c30, Vector512<int> c31, Vector512<int> c32, Vector512<int> c33, ref int acc, int stride, ref NarrowRequantization n, ref sbyte y, int outPixels)
        where TOut : struct, Requantize.INarrowSign
    {
        if (typeof(TOut) != typeof(SumsOut))
        {
            StoreBytes<TOut>(c00, c01, c02, c03, ref n, 0, ref y, outPixels, 0, 16, 32, 48);
            StoreBytes<TOut>(c10, c11, c12, c13, ref n, 1, ref y, outPixels, 0, 16, 32, 48);
            StoreBytes<TOut>(c20, c21, c22, c23, ref n, 2, ref y, outPixels, 0, 16, 32, 48);
            StoreBytes<TOut>(c30, c31, c32, c33, ref n, 3, ref y, outPixels, 0, 16, 32, 48);
            return;
        }
        ref int r1 = ref Unsafe.Add(ref acc, stride);
        ref int r2 = ref Unsafe.Add(ref acc, 2 * stride);
        ref int r3 = ref Unsafe.Add(ref acc, 3 * stride);
        c00.StoreUnsafe(ref acc); c01.StoreUnsafe(ref acc, 16); c02.StoreUnsafe(ref acc, 32); c03.StoreUnsafe(ref acc, 48);
        c10.StoreUnsafe(ref r1); c11.StoreUnsafe(ref r1, 16); c12.StoreUnsafe(ref r1, 32); c13.StoreUnsafe(ref r1, 48);
        c20.StoreUnsafe(ref r2); c21.StoreUnsafe(ref r2, 16); c22.StoreUnsafe(ref r2, 32); c23.StoreUnsafe(ref r2, 48);
        c30.StoreUnsafe(ref r3); c31.StoreUnsafe(ref r3, 16); c32.StoreUnsafe(ref r3, 32); c33.StoreUnsafe(ref r3, 48);
    }

    /// <summary>A 4 x 1 block's end, as <see cref="Store4x4{TOut}"/>: one vector of each channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4x1<TOut>(Vector512<int> c0, Vector512<int> c1, Vector512<int> c2, Vector512<int> c3, ref int acc, int stride,
        ref NarrowRequantization n, ref sbyte y, int outPixels) where TOut : struct, Requantize.INarrowSign
    {
        if (typeof(TOut) != typeof(SumsOut))
        {
            StoreBytes<TOut>(c0, c1, c2, c3, ref n, ref y, outPixels);
            return;
        }
        c0.StoreUnsafe(ref acc);
        c1.StoreUnsafe(ref acc, (nuint)stride);
        c2.StoreUnsafe(ref acc, (nuint)(2 * stride));
        c3.StoreUnsafe(ref acc, (nuint)(3 * stride));
    }

    /// <summary>An AVX2 4 x 2 block's end: each channel's two vectors of sums requantized (<see cref="Requantize.Sixteen256"/>)
    /// and stored as sixteen bytes at the start of its row of <paramref name="y"/> (channel k at k · outPixels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBytes256(Vector256<int> c00, Vector256<int> c01, Vector256<int> c10, Vector256<int> c11,
        Vector256<int> c20, Vector256<int> c21, Vector256<int> c30, Vector256<int> c31, ref NarrowRequantization n, ref sbyte y, int outPixels)
    {
        Requantize.Sixteen256(c00, c01, n).StoreUnsafe(ref y);
        Requantize.Sixteen256(c10, c11, Unsafe.Add(ref n, 1)).StoreUnsafe(ref Unsafe.Add(ref y, outPixels));
        Requantize.Sixteen256(c20, c21, Unsafe.Add(ref n, 2)).StoreUnsafe(ref Unsafe.Add(ref y, 2 * outPixels));
        Requantize.Sixteen256(c30, c31, Unsafe.Add(ref n, 3)).StoreUnsafe(ref Unsafe.Add(ref y, 3 * outPixels));
    }
}
