using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public sealed partial class Int8ShiftedRowsConv
{
    /// <summary><see cref="Run256"/> on the quad plane, as <see cref="Run512U8"/> on 256-bit registers: 4 x 2 vectors,
    /// then 4 x 1.</summary>
    /// <remarks>Eight accumulators, two pixel vectors, the broadcast weights, the ones and a product take 13 of the 16 ymm
    /// registers.</remarks>
    private void Run256U8(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> correction, int block, Span<int> acc, int length) =>
        Run256U8<SumsOut>(x, w, correction, block, acc, length, ref Unsafe.NullRef<sbyte>(), 0, default);

    /// <summary><see cref="Run256U8(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{int}, int)"/> with
    /// each block's sums requantized in their registers and stored as bytes at <paramref name="y"/> (channel k of the
    /// block at k · <paramref name="outPixels"/>), unless <typeparamref name="TOut"/> is <see cref="SumsOut"/>. For bytes
    /// the run's length must be a multiple of 16: only 4 x 2 blocks run.</summary>
    private void Run256U8<TOut>(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> correction, int block, Span<int> acc, int length,
        ref sbyte y, int outPixels, ReadOnlySpan<NarrowRequantization> narrow) where TOut : struct, Requantize.INarrowSign
    {
        ref NarrowRequantization n = ref MemoryMarshal.GetReference(narrow);
        int vectors = (length + 7) / 8, v = 0;
        ref int xs = ref MemoryMarshal.GetReference(x);
        ref int ws = ref MemoryMarshal.GetReference(w);
        ref int cs = ref MemoryMarshal.GetReference(correction);
        ref int a = ref MemoryMarshal.GetReference(acc);
        int quads = (_g.Channels + 3) / 4, planeInts = _layout.PlaneInts, stride = _layout.AccStride;
        var r = _remainders!;
        for (; v + 2 <= vectors; v += 2)
            Block256x2U8<TOut>(ref Unsafe.Add(ref xs, v * 8), ref ws, ref cs, ref Unsafe.Add(ref a, v * 8), _tapOffsets, quads, planeInts, stride, r, block * MR,
                ref Unsafe.Add(ref y, v * 8), outPixels, ref n);
        if (v < vectors)
            Block256x1U8(ref Unsafe.Add(ref xs, v * 8), ref ws, ref cs, ref Unsafe.Add(ref a, v * 8), _tapOffsets, quads, planeInts, stride, r, block * MR);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Madd(Vector256<byte> x, Vector256<sbyte> w, Vector256<short> ones) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w), ones);

    private static void Block256x2U8<TOut>(ref int x, ref int w, ref int correction, ref int acc, int[] taps, int quads, int planeInts, int stride,
        QuadRemainders r, int first, ref sbyte y, int outPixels, ref NarrowRequantization n) where TOut : struct, Requantize.INarrowSign
    {
        var ones = Vector256.Create((short)1);
        Vector256<int> c00, c01, c10, c11, c20, c21, c30, c31;
        c00 = c01 = Vector256.Create(correction);
        c10 = c11 = Vector256.Create(Unsafe.Add(ref correction, 1));
        c20 = c21 = Vector256.Create(Unsafe.Add(ref correction, 2));
        c30 = c31 = Vector256.Create(Unsafe.Add(ref correction, 3));
        int wi = 0;
        foreach (int tap in taps)
        {
            ref int xt = ref Unsafe.Add(ref x, tap);
            for (int q = 0; q < quads; q++, wi += MR)
            {
                ref int xq = ref Unsafe.Add(ref xt, q * planeInts);
                var x0 = Vector256.LoadUnsafe(ref xq).AsByte();
                var x1 = Vector256.LoadUnsafe(ref xq, 8).AsByte();
                var k = Vector256.Create(Unsafe.Add(ref w, wi)).AsSByte();
                c00 += Madd(x0, k, ones); c01 += Madd(x1, k, ones);
                k = Vector256.Create(Unsafe.Add(ref w, wi + 1)).AsSByte();
                c10 += Madd(x0, k, ones); c11 += Madd(x1, k, ones);
                k = Vector256.Create(Unsafe.Add(ref w, wi + 2)).AsSByte();
                c20 += Madd(x0, k, ones); c21 += Madd(x1, k, ones);
                k = Vector256.Create(Unsafe.Add(ref w, wi + 3)).AsSByte();
                c30 += Madd(x0, k, ones); c31 += Madd(x1, k, ones);
            }
        }
        int[] starts = r.Starts, offsets = r.Offsets, rq = r.Quads;
        (c00, c01) = AddRemainders256x2(ref x, starts[first], starts[first + 1], offsets, rq, ones, c00, c01);
        (c10, c11) = AddRemainders256x2(ref x, starts[first + 1], starts[first + 2], offsets, rq, ones, c10, c11);
        (c20, c21) = AddRemainders256x2(ref x, starts[first + 2], starts[first + 3], offsets, rq, ones, c20, c21);
        (c30, c31) = AddRemainders256x2(ref x, starts[first + 3], starts[first + 4], offsets, rq, ones, c30, c31);
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

    private static void Block256x1U8(ref int x, ref int w, ref int correction, ref int acc, int[] taps, int quads, int planeInts, int stride,
        QuadRemainders r, int first)
    {
        var ones = Vector256.Create((short)1);
        var c0 = Vector256.Create(correction);
        var c1 = Vector256.Create(Unsafe.Add(ref correction, 1));
        var c2 = Vector256.Create(Unsafe.Add(ref correction, 2));
        var c3 = Vector256.Create(Unsafe.Add(ref correction, 3));
        int wi = 0;
        foreach (int tap in taps)
        {
            ref int xt = ref Unsafe.Add(ref x, tap);
            for (int q = 0; q < quads; q++, wi += MR)
            {
                var x0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref xt, q * planeInts)).AsByte();
                c0 += Madd(x0, Vector256.Create(Unsafe.Add(ref w, wi)).AsSByte(), ones);
                c1 += Madd(x0, Vector256.Create(Unsafe.Add(ref w, wi + 1)).AsSByte(), ones);
                c2 += Madd(x0, Vector256.Create(Unsafe.Add(ref w, wi + 2)).AsSByte(), ones);
                c3 += Madd(x0, Vector256.Create(Unsafe.Add(ref w, wi + 3)).AsSByte(), ones);
            }
        }
        int[] starts = r.Starts, offsets = r.Offsets, rq = r.Quads;
        c0 = AddRemainders256(ref x, starts[first], starts[first + 1], offsets, rq, ones, c0);
        c1 = AddRemainders256(ref x, starts[first + 1], starts[first + 2], offsets, rq, ones, c1);
        c2 = AddRemainders256(ref x, starts[first + 2], starts[first + 3], offsets, rq, ones, c2);
        c3 = AddRemainders256(ref x, starts[first + 3], starts[first + 4], offsets, rq, ones, c3);
        c0.StoreUnsafe(ref acc);
        c1.StoreUnsafe(ref acc, (nuint)stride);
        c2.StoreUnsafe(ref acc, (nuint)(2 * stride));
        c3.StoreUnsafe(ref acc, (nuint)(3 * stride));
    }
}
