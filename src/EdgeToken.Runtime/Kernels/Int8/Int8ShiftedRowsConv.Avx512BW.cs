using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>One block of <see cref="MR"/> channels over one run and its (tap, channel pair) units at plane offsets
    /// <paramref name="units"/>, 16 pixels a vector: 4 x 4 vectors (64 pixels), then 4 x 1 for what is left.</summary>
    /// <remarks>Sixteen accumulators, four pixel vectors and a broadcast weight pair take 21 of the 32 zmm registers.
    /// Per unit the 4 x 4 block does 16 vpmaddwd for 8 loads; without AVX-512 VNNI in .NET each
    /// product needs its own vpaddd, which the load and add ports absorb beside the multiplies.</remarks>
    private void Run512(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> units, Span<int> acc, int length) =>
        Run512<SumsOut>(x, w, units, acc, length, ref Unsafe.NullRef<sbyte>(), 0, default);

    /// <summary><see cref="Run512(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, Span{int}, int)"/> with the
    /// sums requantized in their registers and stored as bytes, as <see cref="Run512U8{TOut}"/> does.</summary>
    private void Run512<TOut>(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> units, Span<int> acc, int length,
        ref sbyte y, int outPixels, ReadOnlySpan<NarrowRequantization> narrow) where TOut : struct, Requantize.INarrowSign
    {
        ref NarrowRequantization n = ref MemoryMarshal.GetReference(narrow);
        int vectors = (length + 15) / 16, v = 0, stride = _layout.AccStride;
        ref int xs = ref MemoryMarshal.GetReference(x);
        ref int ws = ref MemoryMarshal.GetReference(w);
        ref int us = ref MemoryMarshal.GetReference(units);
        ref int a = ref MemoryMarshal.GetReference(acc);
        for (; v + 4 <= vectors; v += 4)
            Block512x4<TOut>(ref Unsafe.Add(ref xs, v * 16), ref ws, ref us, units.Length, ref Unsafe.Add(ref a, v * 16), stride,
                ref Unsafe.Add(ref y, v * 16), outPixels, ref n);
        for (; v < vectors; v++)
            Block512x1<TOut>(ref Unsafe.Add(ref xs, v * 16), ref ws, ref us, units.Length, ref Unsafe.Add(ref a, v * 16), stride,
                ref Unsafe.Add(ref y, v * 16), outPixels, ref n);
    }

    private static void Block512x4<TOut>(ref int x, ref int w, ref int units, int count, ref int acc, int stride,
        ref sbyte y, int outPixels, ref NarrowRequantization n) where TOut : struct, Requantize.INarrowSign
    {
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<int> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int j = 0, wi = 0; j < count; j++, wi += MR)
        {
            ref int xp = ref Unsafe.Add(ref x, Unsafe.Add(ref units, j));
            var x0 = Vector512.LoadUnsafe(ref xp).AsInt16();
            var x1 = Vector512.LoadUnsafe(ref xp, 16).AsInt16();
            var x2 = Vector512.LoadUnsafe(ref xp, 32).AsInt16();
            var x3 = Vector512.LoadUnsafe(ref xp, 48).AsInt16();
            var k = Vector512.Create(Unsafe.Add(ref w, wi)).AsInt16();
            c00 += Avx512BW.MultiplyAddAdjacent(x0, k); c01 += Avx512BW.MultiplyAddAdjacent(x1, k);
            c02 += Avx512BW.MultiplyAddAdjacent(x2, k); c03 += Avx512BW.MultiplyAddAdjacent(x3, k);
            k = Vector512.Create(Unsafe.Add(ref w, wi + 1)).AsInt16();
            c10 += Avx512BW.MultiplyAddAdjacent(x0, k); c11 += Avx512BW.MultiplyAddAdjacent(x1, k);
            c12 += Avx512BW.MultiplyAddAdjacent(x2, k); c13 += Avx512BW.MultiplyAddAdjacent(x3, k);
            k = Vector512.Create(Unsafe.Add(ref w, wi + 2)).AsInt16();
            c20 += Avx512BW.MultiplyAddAdjacent(x0, k); c21 += Avx512BW.MultiplyAddAdjacent(x1, k);
            c22 += Avx512BW.MultiplyAddAdjacent(x2, k); c23 += Avx512BW.MultiplyAddAdjacent(x3, k);
            k = Vector512.Create(Unsafe.Add(ref w, wi + 3)).AsInt16();
            c30 += Avx512BW.MultiplyAddAdjacent(x0, k); c31 += Avx512BW.MultiplyAddAdjacent(x1, k);
            c32 += Avx512BW.MultiplyAddAdjacent(x2, k); c33 += Avx512BW.MultiplyAddAdjacent(x3, k);
        }
        Store4x4<TOut>(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, ref acc, stride, ref n, ref y, outPixels);
    }

    /// <summary>Four runs of at most 16 outputs (short output rows, such as a stem's 16), one vector of each, as one
    /// 4 x 4 block: the broadcast weight pairs serve four vectors instead of one, and one call does what four
    /// <see cref="Block512x1"/> calls did. <paramref name="x"/> and <paramref name="acc"/> are the plane and the block's
    /// accumulators; the runs are <paramref name="r"/> to r + 3.</summary>
    private void Block512x4Runs(ref int x, ref int w, ref int units, int count, ref int acc, int r) =>
        Block512x4Runs<SumsOut>(ref x, ref w, ref units, count, ref acc, r, ref Unsafe.NullRef<sbyte>(), 0, ref Unsafe.NullRef<NarrowRequantization>());

    /// <summary><see cref="Block512x4Runs(ref int, ref int, ref int, int, ref int, int)"/>, for bytes at the block's first
    /// channel's output <paramref name="y"/> as <see cref="Run512U8{TOut}"/> stores them.</summary>
    private void Block512x4Runs<TOut>(ref int x, ref int w, ref int units, int count, ref int acc, int r,
        ref sbyte y, int outPixels, ref NarrowRequantization n) where TOut : struct, Requantize.INarrowSign
    {
        int stride = _layout.AccStride;
        int x0at = _runBase[r], x1at = _runBase[r + 1], x2at = _runBase[r + 2], x3at = _runBase[r + 3];
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<int> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int j = 0, wi = 0; j < count; j++, wi += MR)
        {
            ref int xp = ref Unsafe.Add(ref x, Unsafe.Add(ref units, j));
            var x0 = Vector512.LoadUnsafe(ref xp, (nuint)x0at).AsInt16();
            var x1 = Vector512.LoadUnsafe(ref xp, (nuint)x1at).AsInt16();
            var x2 = Vector512.LoadUnsafe(ref xp, (nuint)x2at).AsInt16();
            var x3 = Vector512.LoadUnsafe(ref xp, (nuint)x3at).AsInt16();
            var k = Vector512.Create(Unsafe.Add(ref w, wi)).AsInt16();
            c00 += Avx512BW.MultiplyAddAdjacent(x0, k); c01 += Avx512BW.MultiplyAddAdjacent(x1, k);
            c02 += Avx512BW.MultiplyAddAdjacent(x2, k); c03 += Avx512BW.MultiplyAddAdjacent(x3, k);
            k = Vector512.Create(Unsafe.Add(ref w, wi + 1)).AsInt16();
            c10 += Avx512BW.MultiplyAddAdjacent(x0, k); c11 += Avx512BW.MultiplyAddAdjacent(x1, k);
            c12 += Avx512BW.MultiplyAddAdjacent(x2, k); c13 += Avx512BW.MultiplyAddAdjacent(x3, k);
            k = Vector512.Create(Unsafe.Add(ref w, wi + 2)).AsInt16();
            c20 += Avx512BW.MultiplyAddAdjacent(x0, k); c21 += Avx512BW.MultiplyAddAdjacent(x1, k);
            c22 += Avx512BW.MultiplyAddAdjacent(x2, k); c23 += Avx512BW.MultiplyAddAdjacent(x3, k);
            k = Vector512.Create(Unsafe.Add(ref w, wi + 3)).AsInt16();
            c30 += Avx512BW.MultiplyAddAdjacent(x0, k); c31 += Avx512BW.MultiplyAddAdjacent(x1, k);
            c32 += Avx512BW.MultiplyAddAdjacent(x2, k); c33 += Avx512BW.MultiplyAddAdjacent(x3, k);
        }
        nuint a0 = (nuint)_runStart[r], a1 = (nuint)_runStart[r + 1], a2 = (nuint)_runStart[r + 2], a3 = (nuint)_runStart[r + 3];
        if (typeof(TOut) != typeof(SumsOut))
        {
            StoreBytes<TOut>(c00, c01, c02, c03, ref n, 0, ref y, outPixels, a0, a1, a2, a3);
            StoreBytes<TOut>(c10, c11, c12, c13, ref n, 1, ref y, outPixels, a0, a1, a2, a3);
            StoreBytes<TOut>(c20, c21, c22, c23, ref n, 2, ref y, outPixels, a0, a1, a2, a3);
            StoreBytes<TOut>(c30, c31, c32, c33, ref n, 3, ref y, outPixels, a0, a1, a2, a3);
            return;
        }
        ref int r1 = ref Unsafe.Add(ref acc, stride);
        ref int r2 = ref Unsafe.Add(ref acc, 2 * stride);
        ref int r3 = ref Unsafe.Add(ref acc, 3 * stride);
        c00.StoreUnsafe(ref acc, a0); c01.StoreUnsafe(ref acc, a1); c02.StoreUnsafe(ref acc, a2); c03.StoreUnsafe(ref acc, a3);
        c10.StoreUnsafe(ref r1, a0); c11.StoreUnsafe(ref r1, a1); c12.StoreUnsafe(ref r1, a2); c13.StoreUnsafe(ref r1, a3);
        c20.StoreUnsafe(ref r2, a0); c21.StoreUnsafe(ref r2, a1); c22.StoreUnsafe(ref r2, a2); c23.StoreUnsafe(ref r2, a3);
        c30.StoreUnsafe(ref r3, a0); c31.StoreUnsafe(ref r3, a1); c32.StoreUnsafe(ref r3, a2); c33.StoreUnsafe(ref r3, a3);
    }

    private static void Block512x1<TOut>(ref int x, ref int w, ref int units, int count, ref int acc, int stride,
        ref sbyte y, int outPixels, ref NarrowRequantization n) where TOut : struct, Requantize.INarrowSign
    {
        Vector512<int> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int j = 0, wi = 0; j < count; j++, wi += MR)
        {
            var x0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref x, Unsafe.Add(ref units, j))).AsInt16();
            c0 += Avx512BW.MultiplyAddAdjacent(x0, Vector512.Create(Unsafe.Add(ref w, wi)).AsInt16());
            c1 += Avx512BW.MultiplyAddAdjacent(x0, Vector512.Create(Unsafe.Add(ref w, wi + 1)).AsInt16());
            c2 += Avx512BW.MultiplyAddAdjacent(x0, Vector512.Create(Unsafe.Add(ref w, wi + 2)).AsInt16());
            c3 += Avx512BW.MultiplyAddAdjacent(x0, Vector512.Create(Unsafe.Add(ref w, wi + 3)).AsInt16());
        }
        Store4x1<TOut>(c0, c1, c2, c3, ref acc, stride, ref n, ref y, outPixels);
    }
}
