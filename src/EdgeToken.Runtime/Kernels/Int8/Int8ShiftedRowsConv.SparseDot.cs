using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using EdgeToken.Runtime.Kernels.Sparse;

namespace EdgeToken.Runtime.Kernels.Int8;

// N:M-pruned weights on ARM64's sdot: the kept (channel pair, tap) units of a block, two at a time, each pair of units
// gathered from the signed quad plane into one quad per pixel.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>Where a unit's two channels sit in a pixel's quad: the low half (bytes 0, 1) or the high half (2, 3).</summary>
    /// <remarks>For a pair of units (a, b) the table lookup picks, for each of the four pixels in a vector, a's two bytes
    /// from the first register and b's two from the second: pattern ha + 2 · hb, sixteen byte indices each.</remarks>
    private static ReadOnlySpan<byte> DotPatterns =>
    [
        0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29, // a low, b low
        2, 3, 16, 17, 6, 7, 20, 21, 10, 11, 24, 25, 14, 15, 28, 29, // a high, b low
        0, 1, 18, 19, 4, 5, 22, 23, 8, 9, 26, 27, 12, 13, 30, 31, // a low, b high
        2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31, // a high, b high
    ];

    /// <summary>An N:M-pruned convolution for <see cref="Int8Path.AdvSimdDot"/>, from
    /// <see cref="SparseConv.TryCompressInt8"/>'s form: each block of <see cref="MR"/> channels multiplies its kept units
    /// only, two units (four weights) an sdot, so half the sdots of the dense kernel at 2:4.</summary>
    internal static Int8ShiftedRowsConv ForSparseDot(Int8ConvGeometry g, ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices, int n, int m, int panel)
    {
        if (!DotApplies(g) || !SparseApplies(g)) throw new ArgumentException("the sparse dot-product shifted-rows kernel needs an ungrouped convolution over three or more channels");
        return new Int8ShiftedRowsConv(g, values, indices, n, m, panel, dot: true);
    }

    /// <summary>Per block, its kept units paired up (an odd last one with a zero-weight twin): [blocks][pairs][3] of (plane
    /// offset of a, plane offset of b, byte offset of their pattern in <see cref="DotPatterns"/>), and the weights
    /// [blocks][pairs][MR] as quads (a's two weights, then b's), the order the looked-up bytes come in.</summary>
    private (int[] Units, int[] Weights, int Count, int BlockStride) PackSparseDot(ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices,
        int n, int m, int panel, int units, int kept)
    {
        int pairs = _layout.Pairs, count = (kept + 1) / 2, outChannels = _g.OutChannels;
        var offsets = new int[_blocks * count * 3];
        var weights = new int[_blocks * count * MR];
        for (int b = 0; b < _blocks; b++)
            for (int j = 0; j < count; j++)
            {
                int pattern = 0, at = (b * count + j) * 3;
                for (int h = 0; h < 2; h++)
                {
                    int slot = Math.Min(2 * j + h, kept - 1); // the odd one out reads its unit twice
                    int u = NmSparse.Column(indices, b * MR / panel, slot, kept, n, m);
                    // A padding unit (past the last) reads unit 0 and multiplies it by its zero weights.
                    int tap = u < units ? u / pairs : 0, pair = u < units ? u % pairs : 0;
                    offsets[at + h] = _tapOffsets[tap] + pair / 2 * _layout.PlaneInts;
                    pattern |= pair % 2 << h;
                    if (2 * j + h >= kept) continue;
                    for (int k = 0; k < MR && b * MR + k < outChannels; k++)
                    {
                        int v = 2 * ((b * MR + k) * kept + 2 * j + h);
                        weights[(b * count + j) * MR + k] |= ((byte)values[v] | (byte)values[v + 1] << 8) << (16 * h);
                    }
                }
                offsets[at + 2] = 16 * pattern;
            }
        return (offsets, weights, count, count * 3);
    }

    /// <summary>4 x 4 vectors of 4 pixels, then 4 x 1. Per pair of units: four loads from each unit's quads, four table
    /// lookups into quads of (a's two bytes, b's two bytes), one load of the four channels' weight quads, sixteen sdot.</summary>
    private static void RunSparseDot128(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> units, Span<int> acc, int length, int stride,
        ReadOnlySpan<NarrowRequantization> narrow, ref sbyte y, int outPixels)
    {
        int vectors = (length + 3) / 4, v = 0, count = units.Length / 3;
        ref int xs = ref MemoryMarshal.GetReference(x);
        ref int ws = ref MemoryMarshal.GetReference(w);
        ref int us = ref MemoryMarshal.GetReference(units);
        ref int a = ref MemoryMarshal.GetReference(acc);
        for (; v + 4 <= vectors; v += 4)
            BlockSparseDot4x4(ref Unsafe.Add(ref xs, v * 4), ref ws, ref us, count, ref Unsafe.Add(ref a, v * 4), stride, narrow, ref Unsafe.Add(ref y, v * 4), outPixels);
        for (; v < vectors; v++)
            BlockSparseDot4x1(ref Unsafe.Add(ref xs, v * 4), ref ws, ref us, count, ref Unsafe.Add(ref a, v * 4), stride, narrow, ref Unsafe.Add(ref y, v * 4), outPixels);
    }

    private static void BlockSparseDot4x4(ref int x, ref int w, ref int units, int count, ref int acc, int stride,
        ReadOnlySpan<NarrowRequantization> narrow, ref sbyte y, int outPixels)
    {
        Vector128<int> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector128<int> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        ref byte patterns = ref MemoryMarshal.GetReference(DotPatterns);
        for (int j = 0; j < count; j++)
        {
            ref int u = ref Unsafe.Add(ref units, 3 * j);
            ref int xa = ref Unsafe.Add(ref x, u);
            ref int xb = ref Unsafe.Add(ref x, Unsafe.Add(ref u, 1));
            var pick = Vector128.LoadUnsafe(ref patterns, (nuint)Unsafe.Add(ref u, 2));
            var x0 = AdvSimd.Arm64.VectorTableLookup((Vector128.LoadUnsafe(ref xa).AsByte(), Vector128.LoadUnsafe(ref xb).AsByte()), pick).AsSByte();
            var x1 = AdvSimd.Arm64.VectorTableLookup((Vector128.LoadUnsafe(ref xa, 4).AsByte(), Vector128.LoadUnsafe(ref xb, 4).AsByte()), pick).AsSByte();
            var x2 = AdvSimd.Arm64.VectorTableLookup((Vector128.LoadUnsafe(ref xa, 8).AsByte(), Vector128.LoadUnsafe(ref xb, 8).AsByte()), pick).AsSByte();
            var x3 = AdvSimd.Arm64.VectorTableLookup((Vector128.LoadUnsafe(ref xa, 12).AsByte(), Vector128.LoadUnsafe(ref xb, 12).AsByte()), pick).AsSByte();
            var k = Vector128.LoadUnsafe(ref w, (nuint)(j * MR)).AsSByte();
            c00 = Dp.DotProductBySelectedQuadruplet(c00, x0, k, 0); c01 = Dp.DotProductBySelectedQuadruplet(c01, x1, k, 0);
            c02 = Dp.DotProductBySelectedQuadruplet(c02, x2, k, 0); c03 = Dp.DotProductBySelectedQuadruplet(c03, x3, k, 0);
            c10 = Dp.DotProductBySelectedQuadruplet(c10, x0, k, 1); c11 = Dp.DotProductBySelectedQuadruplet(c11, x1, k, 1);
            c12 = Dp.DotProductBySelectedQuadruplet(c12, x2, k, 1); c13 = Dp.DotProductBySelectedQuadruplet(c13, x3, k, 1);
            c20 = Dp.DotProductBySelectedQuadruplet(c20, x0, k, 2); c21 = Dp.DotProductBySelectedQuadruplet(c21, x1, k, 2);
            c22 = Dp.DotProductBySelectedQuadruplet(c22, x2, k, 2); c23 = Dp.DotProductBySelectedQuadruplet(c23, x3, k, 2);
            c30 = Dp.DotProductBySelectedQuadruplet(c30, x0, k, 3); c31 = Dp.DotProductBySelectedQuadruplet(c31, x1, k, 3);
            c32 = Dp.DotProductBySelectedQuadruplet(c32, x2, k, 3); c33 = Dp.DotProductBySelectedQuadruplet(c33, x3, k, 3);
        }
        Out4x4(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, ref acc, stride, narrow, ref y, outPixels);
    }

    private static void BlockSparseDot4x1(ref int x, ref int w, ref int units, int count, ref int acc, int stride,
        ReadOnlySpan<NarrowRequantization> narrow, ref sbyte y, int outPixels)
    {
        Vector128<int> c0 = default, c1 = default, c2 = default, c3 = default;
        ref byte patterns = ref MemoryMarshal.GetReference(DotPatterns);
        for (int j = 0; j < count; j++)
        {
            ref int u = ref Unsafe.Add(ref units, 3 * j);
            var pick = Vector128.LoadUnsafe(ref patterns, (nuint)Unsafe.Add(ref u, 2));
            var x0 = AdvSimd.Arm64.VectorTableLookup((Vector128.LoadUnsafe(ref Unsafe.Add(ref x, u)).AsByte(),
                Vector128.LoadUnsafe(ref Unsafe.Add(ref x, Unsafe.Add(ref u, 1))).AsByte()), pick).AsSByte();
            var k = Vector128.LoadUnsafe(ref w, (nuint)(j * MR)).AsSByte();
            c0 = Dp.DotProductBySelectedQuadruplet(c0, x0, k, 0);
            c1 = Dp.DotProductBySelectedQuadruplet(c1, x0, k, 1);
            c2 = Dp.DotProductBySelectedQuadruplet(c2, x0, k, 2);
            c3 = Dp.DotProductBySelectedQuadruplet(c3, x0, k, 3);
        }
        Out4x1(c0, c1, c2, c3, ref acc, stride, narrow, ref y, outPixels);
    }

    /// <summary><see cref="RunSparseDot128"/> in plain C#, lane by lane: each looked-up byte taken as the table lookup
    /// takes it (an index below 16 from a's pixel, else from b's), then the four signed products.</summary>
    private void RunSparseDotScalar(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> units, Span<int> acc, int length)
    {
        int stride = _layout.AccStride;
        var patterns = DotPatterns;
        for (int k = 0; k < MR; k++)
            for (int p = 0; p < length; p++)
            {
                int sum = 0;
                for (int j = 0; j < units.Length / 3; j++)
                {
                    int xa = x[units[3 * j] + p], xb = x[units[3 * j + 1] + p], wv = w[j * MR + k];
                    var pick = patterns.Slice(units[3 * j + 2], 4); // pixel 0's four indices; pixel i's are 4i more
                    for (int i = 0; i < 4; i++)
                    {
                        int index = pick[i], pixel = index < 16 ? xa : xb;
                        sum += (sbyte)(pixel >> (8 * (index % 4))) * (sbyte)(wv >> (8 * i));
                    }
                }
                acc[k * stride + p] = sum;
            }
    }
}
