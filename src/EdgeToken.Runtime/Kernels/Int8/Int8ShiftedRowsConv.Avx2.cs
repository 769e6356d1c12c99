using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>One block of <see cref="MR"/> channels over one run and its units (as <see cref="Run512"/>), 8 pixels a
    /// vector: 4 x 2 vectors (16 pixels), then 4 x 1 for what is left.</summary>
    /// <remarks>Eight accumulators, two pixel vectors and a broadcast weight pair leave room in the 16 ymm registers for
    /// the products before they are added; a 4 x 3 block would spill.</remarks>
    private void Run256(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> units, Span<int> acc, int length) =>
        Run256<SumsOut>(x, w, units, acc, length, ref Unsafe.NullRef<sbyte>(), 0, default);

    /// <summary><see cref="Run256(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, Span{int}, int)"/> with each
    /// block's sums requantized in their registers and stored as bytes at <paramref name="y"/> (channel k of the block at
    /// k · <paramref name="outPixels"/>), unless <typeparamref name="TOut"/> is <see cref="SumsOut"/>. For bytes the run's
    /// length must be a multiple of 16: only 4 x 2 blocks run.</summary>
    private void Run256<TOut>(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> units, Span<int> acc, int length,
        ref sbyte y, int outPixels, ReadOnlySpan<NarrowRequantization> narrow) where TOut : struct, Requantize.INarrowSign
    {
        ref NarrowRequantization n = ref MemoryMarshal.GetReference(narrow);
        int vectors = (length + 7) / 8, v = 0, stride = _layout.AccStride;
        ref int xs = ref MemoryMarshal.GetReference(x);
        ref int ws = ref MemoryMarshal.GetReference(w);
        ref int us = ref MemoryMarshal.GetReference(units);
        ref int a = ref MemoryMarshal.GetReference(acc);
        for (; v + 2 <= vectors; v += 2)
            Block256x2<TOut>(ref Unsafe.Add(ref xs, v * 8), ref ws, ref us, units.Length, ref Unsafe.Add(ref a, v * 8), stride,
                ref Unsafe.Add(ref y, v * 8), outPixels, ref n);
        if (v < vectors)
            Block256x1(ref Unsafe.Add(ref xs, v * 8), ref ws, ref us, units.Length, ref Unsafe.Add(ref a, v * 8), stride);
    }

    private static void Block256x2<TOut>(ref int x, ref int w, ref int units, int count, ref int acc, int stride,
        ref sbyte y, int outPixels, ref NarrowRequantization n) where TOut : struct, Requantize.INarrowSign
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
        // Pointers that advance rather than indexes that are scaled: the loop is short (a pointwise layer's units are
        // its channel pairs), and index arithmetic had been a quarter of its instructions.
        ref int end = ref Unsafe.Add(ref units, count);
        for (; Unsafe.IsAddressLessThan(ref units, ref end); units = ref Unsafe.Add(ref units, 1), w = ref Unsafe.Add(ref w, MR))
        {
            ref int xp = ref Unsafe.Add(ref x, units);
            var x0 = Vector256.LoadUnsafe(ref xp).AsInt16();
            var x1 = Vector256.LoadUnsafe(ref xp, 8).AsInt16();
            var k = Vector256.Create(w).AsInt16();
            c00 += Avx2.MultiplyAddAdjacent(x0, k); c01 += Avx2.MultiplyAddAdjacent(x1, k);
            k = Vector256.Create(Unsafe.Add(ref w, 1)).AsInt16();
            c10 += Avx2.MultiplyAddAdjacent(x0, k); c11 += Avx2.MultiplyAddAdjacent(x1, k);
            k = Vector256.Create(Unsafe.Add(ref w, 2)).AsInt16();
            c20 += Avx2.MultiplyAddAdjacent(x0, k); c21 += Avx2.MultiplyAddAdjacent(x1, k);
            k = Vector256.Create(Unsafe.Add(ref w, 3)).AsInt16();
            c30 += Avx2.MultiplyAddAdjacent(x0, k); c31 += Avx2.MultiplyAddAdjacent(x1, k);
        }
        if (typeof(TOut) != typeof(SumsOut))
        {
            StoreBytes256(c00, c01, c10, c11, c20, c21, c30, c31, ref n, ref y, outPixels);
            return;
        }
        ref int r1 = ref Unsafe.Add(ref acc, stride);
        ref int r2 = ref Unsafe.Add(ref acc, 2 * stride);
        ref int r3 = ref Unsafe.Add(ref acc, 3 * stride);
        c00.StoreUnsafe(ref acc); c01.StoreUnsafe(ref acc, 8);
        c10.StoreUnsafe(ref r1); c11.StoreUnsafe(ref r1, 8);
        c20.StoreUnsafe(ref r2); c21.StoreUnsafe(ref r2, 8);
        c30.StoreUnsafe(ref r3); c31.StoreUnsafe(ref r3, 8);
    }

    private static void Block256x1(ref int x, ref int w, ref int units, int count, ref int acc, int stride)
    {
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default;
        ref int end = ref Unsafe.Add(ref units, count);
        for (; Unsafe.IsAddressLessThan(ref units, ref end); units = ref Unsafe.Add(ref units, 1), w = ref Unsafe.Add(ref w, MR))
        {
            var x0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref x, units)).AsInt16();
            c0 += Avx2.MultiplyAddAdjacent(x0, Vector256.Create(w).AsInt16());
            c1 += Avx2.MultiplyAddAdjacent(x0, Vector256.Create(Unsafe.Add(ref w, 1)).AsInt16());
            c2 += Avx2.MultiplyAddAdjacent(x0, Vector256.Create(Unsafe.Add(ref w, 2)).AsInt16());
            c3 += Avx2.MultiplyAddAdjacent(x0, Vector256.Create(Unsafe.Add(ref w, 3)).AsInt16());
        }
        c0.StoreUnsafe(ref acc);
        c1.StoreUnsafe(ref acc, (nuint)stride);
        c2.StoreUnsafe(ref acc, (nuint)(2 * stride));
        c3.StoreUnsafe(ref acc, (nuint)(3 * stride));
    }
}
