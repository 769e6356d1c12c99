using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Int8;

// The ARM64 form (sdot): the quad plane of the u8 kernels with the bytes as they are (signed, no + 128), and the quad
// weights of any int8 weights (no pair bound: sdot multiplies s8 by s8 into int32 exactly).
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>True when the ARM64 dot-product kernel runs <paramref name="g"/> on <see cref="Int8Path.AdvSimdDot"/>: an
    /// ungrouped convolution over at least three channels (fewer would leave most of each sdot's four products zero; those,
    /// and the one-channel stem, stay on the GEMM path).</summary>
    public static bool DotApplies(Int8ConvGeometry g) => Applies(g) && !ColumnPairsApply(g) && g.Channels >= 3;

    /// <summary>The kernel for <see cref="Int8Path.AdvSimdDot"/> (<see cref="DotApplies"/>): the quad weights packed
    /// whatever their values.</summary>
    internal static Int8ShiftedRowsConv ForDot(Int8ConvGeometry g, ReadOnlySpan<sbyte> w)
    {
        if (!DotApplies(g)) throw new ArgumentException("the dot-product shifted-rows kernel needs an ungrouped convolution over three or more channels");
        return new Int8ShiftedRowsConv(g, w, dot: true);
    }

    /// <summary>Whether the quad weights are packed for sdot (any weights) rather than for the x86 u8 kernels.</summary>
    internal bool Dot { get; }

    /// <summary>The sums of one image in <paramref name="acc"/> through the quad plane of signed bytes: with sdot by element
    /// on ARM64 (<paramref name="scalar"/> false), or the same blocking in plain C#, the reference the tests hold it to
    /// on any machine. Given <paramref name="narrow"/> (ARM64 only, <see cref="FusedApplies"/>), each block's sums are
    /// requantized in its registers and stored as bytes in <paramref name="y"/> instead.</summary>
    private void RunDot(ReadOnlySpan<sbyte> x, int inputZeroPoint, Span<int> plane, Span<int> acc, bool scalar,
        Span<sbyte> y = default, ReadOnlySpan<NarrowRequantization> narrow = default)
    {
        var l = _layout;
        int quads = (_g.Channels + 3) / 4, taps = _tapOffsets.Length, outPixels = _g.OutPixels;
        bool fused = !narrow.IsEmpty;
        if (fused && (scalar || narrow.Length < _g.OutChannels || y.Length < _g.OutChannels * outPixels))
            throw new ArgumentException("the fused dot kernel needs ARM64, a narrow requantization per channel and the whole output");
        LoadInputQuads(x, inputZeroPoint, plane, 0);
        ref sbyte y0 = ref MemoryMarshal.GetReference(y);
        for (int r = 0; r < _runStart.Length; r++)
            for (int b = 0; b < _blocks; b++)
            {
                var a = fused ? default : acc[(b * MR * l.AccStride + _runStart[r])..]; // no sums stored when fused
                var xs = plane[_runBase[r]..];
                var n = fused ? narrow.Slice(b * MR, MR) : default;
                ref sbyte yb = ref fused ? ref Unsafe.Add(ref y0, b * MR * outPixels + _runStart[r]) : ref Unsafe.NullRef<sbyte>();
                if (Sparse)
                {
                    var sw = _quadWeights.AsSpan(b * _unitCount * MR, _unitCount * MR);
                    var units = _units.AsSpan(b * _unitBlockStride, _unitBlockStride);
                    if (scalar) RunSparseDotScalar(xs, sw, units, a, _runLength[r]);
                    else RunSparseDot128(xs, sw, units, a, _runLength[r], l.AccStride, n, ref yb, outPixels);
                    continue;
                }
                var w = _quadWeights.AsSpan(b * taps * quads * MR, taps * quads * MR);
                if (scalar) RunDotScalar(xs, w, a, _runLength[r], quads);
                else RunDot128(xs, w, a, _runLength[r], quads, n, ref yb, outPixels);
            }
    }

    /// <summary>Whether the ARM64 dot kernel requantizes in its registers: whole blocks of <see cref="MR"/> channels and
    /// runs of whole vectors of four (each stored lane an output), rows not merged.</summary>
    private bool DotFusedApplies(Int8Path path) =>
        path == Int8Path.AdvSimdDot && Dot && !_layout.MergedRows && _g.OutChannels % MR == 0 && Array.TrueForAll(_runLength, n => n % 4 == 0);

    /// <summary>One block of <see cref="MR"/> channels over one run: 4 x 4 vectors of 4 pixels, then 4 x 1. Per tap and
    /// channel quad, four loads of pixels (each lane a pixel's four channel bytes), one load of the four channels' weight
    /// quads, and sixteen sdot by element: 256 multiply-adds.</summary>
    private void RunDot128(ReadOnlySpan<int> x, ReadOnlySpan<int> w, Span<int> acc, int length, int quads,
        ReadOnlySpan<NarrowRequantization> narrow, ref sbyte y, int outPixels)
    {
        int vectors = (length + 3) / 4, v = 0, planeInts = _layout.PlaneInts, stride = _layout.AccStride;
        ref int xs = ref MemoryMarshal.GetReference(x);
        ref int ws = ref MemoryMarshal.GetReference(w);
        ref int a = ref MemoryMarshal.GetReference(acc);
        for (; v + 4 <= vectors; v += 4)
            BlockDot4x4(ref Unsafe.Add(ref xs, v * 4), ref ws, ref Unsafe.Add(ref a, v * 4), _tapOffsets, quads, planeInts, stride, narrow, ref Unsafe.Add(ref y, v * 4), outPixels);
        for (; v < vectors; v++)
            BlockDot4x1(ref Unsafe.Add(ref xs, v * 4), ref ws, ref Unsafe.Add(ref a, v * 4), _tapOffsets, quads, planeInts, stride, narrow, ref Unsafe.Add(ref y, v * 4), outPixels);
    }

    private static void BlockDot4x4(ref int x, ref int w, ref int acc, int[] taps, int quads, int planeInts, int stride,
        ReadOnlySpan<NarrowRequantization> narrow, ref sbyte y, int outPixels)
    {
        Vector128<int> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector128<int> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        int wi = 0;
        foreach (int tap in taps)
        {
            ref int xt = ref Unsafe.Add(ref x, tap);
            for (int q = 0; q < quads; q++, wi += MR)
            {
                ref int xq = ref Unsafe.Add(ref xt, q * planeInts);
                var x0 = Vector128.LoadUnsafe(ref xq).AsSByte();
                var x1 = Vector128.LoadUnsafe(ref xq, 4).AsSByte();
                var x2 = Vector128.LoadUnsafe(ref xq, 8).AsSByte();
                var x3 = Vector128.LoadUnsafe(ref xq, 12).AsSByte();
                var k = Vector128.LoadUnsafe(ref w, (nuint)wi).AsSByte(); // the four channels' quads
                c00 = Dp.DotProductBySelectedQuadruplet(c00, x0, k, 0); c01 = Dp.DotProductBySelectedQuadruplet(c01, x1, k, 0);
                c02 = Dp.DotProductBySelectedQuadruplet(c02, x2, k, 0); c03 = Dp.DotProductBySelectedQuadruplet(c03, x3, k, 0);
                c10 = Dp.DotProductBySelectedQuadruplet(c10, x0, k, 1); c11 = Dp.DotProductBySelectedQuadruplet(c11, x1, k, 1);
                c12 = Dp.DotProductBySelectedQuadruplet(c12, x2, k, 1); c13 = Dp.DotProductBySelectedQuadruplet(c13, x3, k, 1);
                c20 = Dp.DotProductBySelectedQuadruplet(c20, x0, k, 2); c21 = Dp.DotProductBySelectedQuadruplet(c21, x1, k, 2);
                c22 = Dp.DotProductBySelectedQuadruplet(c22, x2, k, 2); c23 = Dp.DotProductBySelectedQuadruplet(c23, x3, k, 2);
                c30 = Dp.DotProductBySelectedQuadruplet(c30, x0, k, 3); c31 = Dp.DotProductBySelectedQuadruplet(c31, x1, k, 3);
                c32 = Dp.DotProductBySelectedQuadruplet(c32, x2, k, 3); c33 = Dp.DotProductBySelectedQuadruplet(c33, x3, k, 3);
            }
        }
        Out4x4(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33, ref acc, stride, narrow, ref y, outPixels);
    }

    private static void BlockDot4x1(ref int x, ref int w, ref int acc, int[] taps, int quads, int planeInts, int stride,
        ReadOnlySpan<NarrowRequantization> narrow, ref sbyte y, int outPixels)
    {
        Vector128<int> c0 = default, c1 = default, c2 = default, c3 = default;
        int wi = 0;
        foreach (int tap in taps)
        {
            ref int xt = ref Unsafe.Add(ref x, tap);
            for (int q = 0; q < quads; q++, wi += MR)
            {
                var x0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref xt, q * planeInts)).AsSByte();
                var k = Vector128.LoadUnsafe(ref w, (nuint)wi).AsSByte();
                c0 = Dp.DotProductBySelectedQuadruplet(c0, x0, k, 0);
                c1 = Dp.DotProductBySelectedQuadruplet(c1, x0, k, 1);
                c2 = Dp.DotProductBySelectedQuadruplet(c2, x0, k, 2);
                c3 = Dp.DotProductBySelectedQuadruplet(c3, x0, k, 3);
            }
        }
        Out4x1(c0, c1, c2, c3, ref acc, stride, narrow, ref y, outPixels);
    }

    /// <summary>A 4 x 4 block's sums out: as int32 at <paramref name="acc"/> (rows <paramref name="stride"/> apart), or,
    /// given the block's <paramref name="narrow"/> requantizations, as bytes at <paramref name="y"/> (rows
    /// <paramref name="outPixels"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Out4x4(Vector128<int> c00, Vector128<int> c01, Vector128<int> c02, Vector128<int> c03,
        Vector128<int> c10, Vector128<int> c11, Vector128<int> c12, Vector128<int> c13, Vector128<int> c20, Vector128<int> c21, Vector128<int> c22, Vector128<int> c23,
        Vector128<int> c30, Vector128<int> c31, Vector128<int> c32, Vector128<int> c33, ref int acc, int stride,
        ReadOnlySpan<NarrowRequantization> narrow, ref sbyte y, int outPixels)
    {
        if (!narrow.IsEmpty)
        {
            Requantize.StoreSixteen128(c00, c01, c02, c03, narrow[0], ref y);
            Requantize.StoreSixteen128(c10, c11, c12, c13, narrow[1], ref Unsafe.Add(ref y, outPixels));
            Requantize.StoreSixteen128(c20, c21, c22, c23, narrow[2], ref Unsafe.Add(ref y, 2 * outPixels));
            Requantize.StoreSixteen128(c30, c31, c32, c33, narrow[3], ref Unsafe.Add(ref y, 3 * outPixels));
            return;
        }
        ref int r1 = ref Unsafe.Add(ref acc, stride);
        ref int r2 = ref Unsafe.Add(ref acc, 2 * stride);
        ref int r3 = ref Unsafe.Add(ref acc, 3 * stride);
        c00.StoreUnsafe(ref acc); c01.StoreUnsafe(ref acc, 4); c02.StoreUnsafe(ref acc, 8); c03.StoreUnsafe(ref acc, 12);
        c10.StoreUnsafe(ref r1); c11.StoreUnsafe(ref r1, 4); c12.StoreUnsafe(ref r1, 8); c13.StoreUnsafe(ref r1, 12);
        c20.StoreUnsafe(ref r2); c21.StoreUnsafe(ref r2, 4); c22.StoreUnsafe(ref r2, 8); c23.StoreUnsafe(ref r2, 12);
        c30.StoreUnsafe(ref r3); c31.StoreUnsafe(ref r3, 4); c32.StoreUnsafe(ref r3, 8); c33.StoreUnsafe(ref r3, 12);
    }

    /// <summary>A 4 x 1 block's sums out, as <see cref="Out4x4"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Out4x1(Vector128<int> c0, Vector128<int> c1, Vector128<int> c2, Vector128<int> c3, ref int acc, int stride,
        ReadOnlySpan<NarrowRequantization> narrow, ref sbyte y, int outPixels)
    {
        if (!narrow.IsEmpty)
        {
            Requantize.StoreFour128(c0, narrow[0], ref y);
            Requantize.StoreFour128(c1, narrow[1], ref Unsafe.Add(ref y, outPixels));
            Requantize.StoreFour128(c2, narrow[2], ref Unsafe.Add(ref y, 2 * outPixels));
            Requantize.StoreFour128(c3, narrow[3], ref Unsafe.Add(ref y, 3 * outPixels));
            return;
        }
        c0.StoreUnsafe(ref acc);
        c1.StoreUnsafe(ref acc, (nuint)stride);
        c2.StoreUnsafe(ref acc, (nuint)(2 * stride));
        c3.StoreUnsafe(ref acc, (nuint)(3 * stride));
    }

    /// <summary><see cref="RunDot128"/> in plain C#, lane by lane: each int of the plane four signed bytes, each weight int
    /// one channel's four bytes of the same quad.</summary>
    private void RunDotScalar(ReadOnlySpan<int> x, ReadOnlySpan<int> w, Span<int> acc, int length, int quads)
    {
        int stride = _layout.AccStride, planeInts = _layout.PlaneInts;
        for (int k = 0; k < MR; k++)
            for (int p = 0; p < length; p++)
            {
                int sum = 0, wi = 0;
                foreach (int tap in _tapOffsets)
                    for (int q = 0; q < quads; q++, wi += MR)
                    {
                        int xv = x[tap + q * planeInts + p], wv = w[wi + k];
                        for (int j = 0; j < 32; j += 8) sum += (sbyte)(xv >> j) * (sbyte)(wv >> j);
                    }
                acc[k * stride + p] = sum;
            }
    }
}
