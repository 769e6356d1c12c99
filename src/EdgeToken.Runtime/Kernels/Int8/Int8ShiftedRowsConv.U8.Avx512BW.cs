using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public sealed partial class Int8ShiftedRowsConv
{
    /// <summary><see cref="Run512"/> on the quad plane: per tap and quad of channels, vpmaddubsw of the pixels' bytes
    /// x + 128 with the broadcast four weight bytes, vpmaddwd with ones to int32, and an add: 64 multiply-adds in three
    /// instructions, where the pair kernel needs four. The accumulators start at -128 · Σw.</summary>
    private void Run512U8(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> correction, int block, Span<int> acc, int length) =>
        Run512U8<SumsOut>(x, w, correction, block, acc, length, ref Unsafe.NullRef<sbyte>(), 0, default);

    /// <summary><see cref="Run512U8(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, int, Span{int}, int)"/> with the
    /// block's sums requantized in their registers (<typeparamref name="TOut"/> <see cref="Requantize.NarrowHalfUp"/> or
    /// <see cref="Requantize.NarrowHalfAway"/>) and stored as bytes at <paramref name="y"/> (channel k of the block at
    /// k · <paramref name="outPixels"/>), or, for <see cref="SumsOut"/>, stored as int32 sums in <paramref name="acc"/>.
    /// The run's length must be a multiple of 16 for bytes: every vector's lanes are outputs of the run. Block
    /// <paramref name="block"/>'s remainders (<see cref="Split"/>) are added before the sums leave the registers.</summary>
    private void Run512U8<TOut>(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> correction, int block, Span<int> acc, int length,
        ref sbyte y, int outPixels, ReadOnlySpan<NarrowRequantization> narrow) where TOut : struct, Requantize.INarrowSign
    {
        int vectors = (length + 15) / 16, v = 0;
        ref int xs = ref MemoryMarshal.GetReference(x);
        ref int ws = ref MemoryMarshal.GetReference(w);
        ref int cs = ref MemoryMarshal.GetReference(correction);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref NarrowRequantization n = ref MemoryMarshal.GetReference(narrow);
        int quads = (_g.Channels + 3) / 4, planeInts = _layout.PlaneInts, stride = _layout.AccStride;
        var r = _remainders!;
        for (; v + 4 <= vectors; v += 4)
            Block512x4U8<TOut>(ref Unsafe.Add(ref xs, v * 16), ref ws, ref cs, ref Unsafe.Add(ref a, v * 16), _tapOffsets, quads, planeInts, stride,
                ref Unsafe.Add(ref y, v * 16), outPixels, ref n, r, block * MR);
        for (; v < vectors; v++)
            Block512x1U8<TOut>(ref Unsafe.Add(ref xs, v * 16), ref ws, ref cs, ref Unsafe.Add(ref a, v * 16), _tapOffsets, quads, planeInts, stride,
                ref Unsafe.Add(ref y, v * 16), outPixels, ref n, r, block * MR);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Madd(Vector512<byte> x, Vector512<sbyte> w, Vector512<short> ones) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w), ones);

    private static void Block512x4U8<TOut>(ref int x, ref int w, ref int correction, ref int acc, int[] taps, int quads, int planeInts, int stride,
        ref sbyte y, int outPixels, ref NarrowRequantization n, QuadRemainders r, int first) where TOut : struct, Requantize.INarrowSign
    {
        var ones = Vector512.Create((short)1);
        Vector512<int> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        c00 = c01 = c02 = c03 = Vector512.Create(correction);
        c10 = c11 = c12 = c13 = Vector512.Create(Unsafe.Add(ref correction, 1));
        c20 = c21 = c22 = c23 = Vector512.Create(Unsafe.Add(ref correction, 2));
        c30 = c31 = c32 = c33 = Vector512.Create(Unsafe.Add(ref correction, 3));
        int wi = 0;
        foreach (int tap in taps)
        {
            ref int xt = ref Unsafe.Add(ref x, tap);
            for (int q = 0; q < quads; q++, wi += MR)
            {
                ref int xq = ref Unsafe.Add(ref xt, q * planeInts);
                var x0 = Vector512.LoadUnsafe(ref xq).AsByte();
                var x1 = Vector512.LoadUnsafe(ref xq, 16).AsByte();
                var x2 = Vector512.LoadUnsafe(ref xq, 32).AsByte();
                var x3 = Vector512.LoadUnsafe(ref xq, 48).AsByte();
                var k = Vector512.Create(Unsafe.Add(ref w, wi)).AsSByte();
                c00 += Madd(x0, k, ones); c01 += Madd(x1, k, ones); c02 += Madd(x2, k, ones); c03 += Madd(x3, k, ones);
                k = Vector512.Create(Unsafe.Add(ref w, wi + 1)).AsSByte();
                c10 += Madd(x0, k, ones); c11 += Madd(x1, k, ones); c12 += Madd(x2, k, ones); c13 += Madd(x3, k, ones);
                k = Vector512.Create(Unsafe.Add(ref w, wi + 2)).AsSByte();
                c20 += Madd(x0, k, ones); c21 += Madd(x1, k, ones); c22 += Madd(x2, k, ones); c23 += Madd(x3, k, ones);
                k = Vector512.Create(Unsafe.Add(ref w, wi + 3)).AsSByte();
                c30 += Madd(x0, k, ones); c31 += Madd(x1, k, ones); c32 += Madd(x2, k, ones); c33 += Madd(x3, k, ones);
            }
        }
        int[] starts = r.Starts, offsets = r.Offsets, rq = r.Quads;
        (c00, c01, c02, c03) = AddRemainders512x4(ref x, starts[first], starts[first + 1], offsets, rq, ones, c00, c01, c02, c03);
        (c10, c11, c12, c13) = AddRemainders512x4(ref x, starts[first + 1], starts[first + 2], offsets, rq, ones, c10, c11, c12, c13);
        (c20, c21, c22, c23) = AddRemainders512x4(ref x, starts[first + 2], starts[first + 3], offsets, rq, ones, c20, c21, c22, c23);
        (c30, c31, c32, c33) = AddRemainders512x4(ref x, starts[first + 3], starts[first + 4], offsets, rq, ones, c30, c31, c32, c33);
        Store4x4<TOut>(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, ref acc, stride, ref n, ref y, outPixels);
    }

    private static void Block512x1U8<TOut>(ref int x, ref int w, ref int correction, ref int acc, int[] taps, int quads, int planeInts, int stride,
        ref sbyte y, int outPixels, ref NarrowRequantization n, QuadRemainders r, int first) where TOut : struct, Requantize.INarrowSign
    {
        var ones = Vector512.Create((short)1);
        var c0 = Vector512.Create(correction);
        var c1 = Vector512.Create(Unsafe.Add(ref correction, 1));
        var c2 = Vector512.Create(Unsafe.Add(ref correction, 2));
        var c3 = Vector512.Create(Unsafe.Add(ref correction, 3));
        int wi = 0;
        foreach (int tap in taps)
        {
            ref int xt = ref Unsafe.Add(ref x, tap);
            for (int q = 0; q < quads; q++, wi += MR)
            {
                var x0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref xt, q * planeInts)).AsByte();
                c0 += Madd(x0, Vector512.Create(Unsafe.Add(ref w, wi)).AsSByte(), ones);
                c1 += Madd(x0, Vector512.Create(Unsafe.Add(ref w, wi + 1)).AsSByte(), ones);
                c2 += Madd(x0, Vector512.Create(Unsafe.Add(ref w, wi + 2)).AsSByte(), ones);
                c3 += Madd(x0, Vector512.Create(Unsafe.Add(ref w, wi + 3)).AsSByte(), ones);
            }
        }
        int[] starts = r.Starts, offsets = r.Offsets, rq = r.Quads;
        c0 = AddRemainders512(ref x, starts[first], starts[first + 1], offsets, rq, ones, c0);
        c1 = AddRemainders512(ref x, starts[first + 1], starts[first + 2], offsets, rq, ones, c1);
        c2 = AddRemainders512(ref x, starts[first + 2], starts[first + 3], offsets, rq, ones, c2);
        c3 = AddRemainders512(ref x, starts[first + 3], starts[first + 4], offsets, rq, ones, c3);
        Store4x1<TOut>(c0, c1, c2, c3, ref acc, stride, ref n, ref y, outPixels);
    }
}
