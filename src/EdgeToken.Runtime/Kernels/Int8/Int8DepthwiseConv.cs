using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Depthwise int8 convolution (one input and one output channel per group, 1-D or 2-D), computed directly:
/// each channel is copied, widened to int16, into a plane bordered with the input zero point, so every tap of every
/// output position is in bounds; the int32 sums of raw x · w over the taps are taken a row at a time, and
/// <see cref="Requantize.Channels"/> adds the folded bias and requantizes them exactly as <see cref="Int8Conv"/>'s
/// GEMM path does. The integers are the same, so the results are bit-identical to it.</summary>
/// <remarks>Through the GEMM a depthwise layer is one tiny matrix product per channel with a dot product of kH·kW, all
/// gather and call overhead. Here, with stride 1 along W, a step takes <see cref="Lanes"/> output positions: per tap one
/// load of int16 inputs, one int16 multiply by the broadcast weight (exact: |x · w| ≤ 2^14) and a widening add into two
/// int32 vectors. The vector steps run past the row's end into the next row's accumulators (overwritten when that row
/// is done) and into <see cref="Lanes"/> slack ints after the last, so rows need no scalar tail; the plane is wide
/// enough for those reads (<see cref="Int8ConvGeometry.PlaneW"/>). On ARM64 the steps multiply with smlal/smlal2
/// (Int8DepthwiseConv.AdvSimd.cs). Other strides along W take <see cref="SumsScalar"/>,
/// the reference the vector paths are tested against, except stride 2 on AVX-512BW (below).
/// <para>On AVX-512BW (stride 1 or 2 along W) the row-pair path runs instead (Int8DepthwiseConv.RowPairs.cs): two kernel
/// rows a vpmaddwd, the pairs built straight from the int8 input when its rows are whole multiples of 16, the sums
/// requantized in registers (Int8DepthwiseConv.Avx512BW.cs). Measured on the dscnn2d benchmark's
/// layers (16 and 32 channels of 16x16, 3x3, Zen 4, one thread): 2.9 and 5.95 µs before, about 1.9 and 3.8 µs with it,
/// as fast as the float depthwise kernel on the same layers (1.9 and 3.7 µs).</para></remarks>
public static partial class Int8DepthwiseConv
{
    /// <summary>Output positions per vector step of <see cref="SumsVector"/>: one Vector256 of int16, two Vector128 steps
    /// on ARM64; also the accumulators' slack the row-pair path's AVX2 steps (eight positions) run into.</summary>
    public const int Lanes = 16;

    /// <summary>One image, vector path where it applies. <paramref name="w"/> as <see cref="Int8Conv.PackWeights"/> lays
    /// it out (channel c's taps at c · <see cref="Int8ConvGeometry.PatchStride"/>); <paramref name="bias"/> folded as for
    /// <see cref="Int8Conv.Run"/>; <paramref name="scratch"/> at least <see cref="Int8ConvGeometry.DepthwiseScratchBytes"/>.</summary>
    public static void Run(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias,
        ReadOnlySpan<FixedPointMultiplier> scales, int inputZeroPoint, int outputZeroPoint, int min, int max, Span<sbyte> y, Span<byte> scratch,
        ReadOnlySpan<NarrowRequantization> narrow = default) =>
        Run(g, x, w, bias, scales, inputZeroPoint, outputZeroPoint, min, max, y, scratch, vector: true, narrow);

    /// <summary><see cref="Run(Int8ConvGeometry, ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, ReadOnlySpan{int}, ReadOnlySpan{FixedPointMultiplier}, int, int, int, int, Span{sbyte}, Span{byte}, ReadOnlySpan{NarrowRequantization})"/>
    /// with every sum through <see cref="SumsScalar"/>: the reference.</summary>
    public static void RunScalar(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias,
        ReadOnlySpan<FixedPointMultiplier> scales, int inputZeroPoint, int outputZeroPoint, int min, int max, Span<sbyte> y, Span<byte> scratch) =>
        Run(g, x, w, bias, scales, inputZeroPoint, outputZeroPoint, min, max, y, scratch, vector: false);

    private static void Run(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias,
        ReadOnlySpan<FixedPointMultiplier> scales, int inputZeroPoint, int outputZeroPoint, int min, int max, Span<sbyte> y, Span<byte> scratch, bool vector,
        ReadOnlySpan<NarrowRequantization> narrow = default)
    {
        if (!g.IsDepthwise) throw new ArgumentException("Int8DepthwiseConv needs one input and one output channel per group");
        if (scratch.Length < g.DepthwiseScratchBytes) throw new ArgumentException($"depthwise int8 convolution: scratch of {scratch.Length} bytes, needs {g.DepthwiseScratchBytes}");
        var plane = MemoryMarshal.Cast<byte, short>(scratch[..((g.PlaneRows * g.PlaneW + 16) * sizeof(short))]);
        var acc = MemoryMarshal.Cast<byte, int>(scratch.Slice(g.DepthwiseAccumulatorsOffset, (g.OutPixels + Lanes) * sizeof(int)));
        if (vector && RowPairsApply(g))
        {
            RunRowPairs(g, x, w, bias, scales, inputZeroPoint, outputZeroPoint, min, max, y, scratch, plane, narrow);
            return;
        }
        plane.Fill((short)inputZeroPoint); // the border; each channel overwrites only the interior
        int pixels = g.Height * g.Width, taps = g.KernelH * g.KernelW, outPixels = g.OutPixels;
        bool simd = vector && g.StrideW == 1 && Vector128.IsHardwareAccelerated;
        for (int c = 0; c < g.Channels; c++)
        {
            CopyPlane(g, x.Slice(c * pixels, pixels), plane);
            var wc = w.Slice(c * g.PatchStride, taps);
            if (simd) SumsVector(g, plane, wc, acc);
            else SumsScalar(g, plane, wc, acc);
            if (!narrow.IsEmpty) Requantize.Plane(acc[..outPixels], narrow[c], y.Slice(c * outPixels, outPixels));
            else Requantize.Channels(acc[..outPixels], 1, outPixels, bias.IsEmpty ? bias : bias.Slice(c, 1), scales.Length == 1 ? scales : scales.Slice(c, 1),
                outputZeroPoint, min, max, y.Slice(c * outPixels, outPixels));
        }
    }

    /// <summary>The row-pair path (see Int8DepthwiseConv.RowPairs.cs): per channel its row pairs (straight from the
    /// input when <see cref="RowPairsFromInputApply"/>, else through the bordered plane), then the sums, requantized in
    /// registers: <see cref="Channel3x3Avx512"/> for the rows it takes, <see cref="ChannelRowPairsAvx512"/> for the rest.</summary>
    private static void RunRowPairs(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, ReadOnlySpan<int> bias,
        ReadOnlySpan<FixedPointMultiplier> scales, int inputZeroPoint, int outputZeroPoint, int min, int max, Span<sbyte> y, Span<byte> scratch,
        Span<short> plane, ReadOnlySpan<NarrowRequantization> narrow)
    {
        var pairs = MemoryMarshal.Cast<byte, int>(scratch.Slice(g.DepthwiseRowPairsOffset, g.RowPairRows * g.RowPairsW * sizeof(int)));
        int pixels = g.Height * g.Width, taps = g.KernelH * g.KernelW, outPixels = g.OutPixels, patchStride = g.PatchStride;
        int rw = g.RowPairsW, outH = g.OutH, outW = g.OutW, dW = g.DilationW;
        if (x.Length < g.Channels * pixels || w.Length < (g.Channels - 1) * patchStride + taps || y.Length < g.Channels * outPixels
            || (!bias.IsEmpty && bias.Length < g.Channels) || (scales.Length != 1 && scales.Length < g.Channels))
            throw new ArgumentException("depthwise int8 convolution: input, weights, bias, scales or output too short");
        Span<int> table = stackalloc int[2 * g.PairRowsPerOutput * g.KernelW];
        bool direct = RowPairsFromInputApply(g), fused3x3 = Channel3x3Applies(g);
        if (direct) pairs.Fill((ushort)(short)inputZeroPoint | (inputZeroPoint << 16)); // the border; each channel overwrites only the interior
        else plane.Fill((short)inputZeroPoint);
        ref int p = ref MemoryMarshal.GetReference(pairs);
        ref sbyte y0 = ref MemoryMarshal.GetReference(y);
        for (int c = 0; c < g.Channels; c++)
        {
            var xc = x.Slice(c * pixels, pixels);
            if (direct) RowPairsFromInput(g, xc, (sbyte)inputZeroPoint, pairs);
            else
            {
                CopyPlane(g, xc, plane);
                BuildRowPairs(g, plane, pairs);
            }
            var wc = w.Slice(c * patchStride, taps);
            int b = bias.IsEmpty ? 0 : bias[c];
            var scale = scales[scales.Length == 1 ? 0 : c];
            int done = 0;
            if (fused3x3 && !narrow.IsEmpty)
                done = narrow[c].SignTerm
                    ? Channel3x3NarrowAvx512<Requantize.NarrowHalfAway>(ref p, wc, narrow[c], ref Unsafe.Add(ref y0, c * outPixels), outH, outW, rw, dW)
                    : Channel3x3NarrowAvx512<Requantize.NarrowHalfUp>(ref p, wc, narrow[c], ref Unsafe.Add(ref y0, c * outPixels), outH, outW, rw, dW);
            else if (fused3x3 && scale.Shift >= 0)
                done = Requantize.RoundingFor(scale.Shift, outputZeroPoint, min) switch
                {
                    Requantize.Rounding.HalfUpFolded => Channel3x3Avx512<Requantize.HalfUpFolded>(ref p, wc, b, scale, outputZeroPoint, min, max, ref Unsafe.Add(ref y0, c * outPixels), outH, outW, rw, dW),
                    Requantize.Rounding.HalfUp => Channel3x3Avx512<Requantize.HalfUp>(ref p, wc, b, scale, outputZeroPoint, min, max, ref Unsafe.Add(ref y0, c * outPixels), outH, outW, rw, dW),
                    _ => Channel3x3Avx512<Requantize.HalfAwayFromZero>(ref p, wc, b, scale, outputZeroPoint, min, max, ref Unsafe.Add(ref y0, c * outPixels), outH, outW, rw, dW),
                };
            if (done == outH) continue;
            PairWeights(g, wc, table);
            var requantize = narrow.IsEmpty ? new Requantize.Channel512(b, scale, outputZeroPoint, min, max) : new Requantize.Channel512(narrow[c]);
            if (g.StrideW == 2) ChannelRowPairsStride2Avx512(g, pairs, table, requantize, y.Slice(c * outPixels, outPixels));
            else ChannelRowPairsAvx512(g, pairs, table, requantize, y.Slice(c * outPixels, outPixels), done);
        }
    }

    /// <summary>The channel's rows, widened to int16, into the interior of the bordered plane: sixteen values a
    /// vpmovsxbw on AVX2, two widenings of a Vector128 elsewhere.</summary>
    private static void CopyPlane(Int8ConvGeometry g, ReadOnlySpan<sbyte> x, Span<short> plane)
    {
        int width = g.Width, pw = g.PlaneW, at = g.PadTop * pw + g.PadLeft;
        if (x.Length < g.Height * width || plane.Length < at + (g.Height - 1) * pw + width) throw new ArgumentException("depthwise int8 convolution: input or plane too short");
        ref sbyte src = ref MemoryMarshal.GetReference(x);
        ref short dst = ref Unsafe.Add(ref MemoryMarshal.GetReference(plane), at);
        for (int r = 0; r < g.Height; r++)
        {
            nuint s = (nuint)(r * width), t = (nuint)(r * pw);
            int i = 0;
            if (Avx2.IsSupported)
                for (; i <= width - 16; i += 16)
                    Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref src, s + (nuint)i)).StoreUnsafe(ref dst, t + (nuint)i);
            else if (Vector128.IsHardwareAccelerated)
                for (; i <= width - 16; i += 16)
                {
                    var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref src, s + (nuint)i));
                    lo.StoreUnsafe(ref dst, t + (nuint)i);
                    hi.StoreUnsafe(ref dst, t + (nuint)i + 8);
                }
            for (; i < width; i++) Unsafe.Add(ref dst, t + (nuint)i) = Unsafe.Add(ref src, s + (nuint)i);
        }
    }

    /// <summary>acc[oh, ow] = Σ over taps of w · plane at the tap, one position at a time, any stride and dilation.</summary>
    internal static void SumsScalar(Int8ConvGeometry g, ReadOnlySpan<short> plane, ReadOnlySpan<sbyte> wc, Span<int> acc)
    {
        int pw = g.PlaneW, kH = g.KernelH, kW = g.KernelW;
        int sH = g.StrideH * pw, sW = g.StrideW, dH = g.DilationH * pw, dW = g.DilationW;
        for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int sum = 0, at = oh * sH + ow * sW;
                for (int kh = 0; kh < kH; kh++)
                    for (int kw = 0; kw < kW; kw++)
                        sum += wc[kh * kW + kw] * plane[at + kh * dH + kw * dW];
                acc[oh * g.OutW + ow] = sum;
            }
    }

    /// <summary>Stride 1 along W: <see cref="Lanes"/> positions a step (see the remarks on the class).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SumsVector(Int8ConvGeometry g, ReadOnlySpan<short> plane, ReadOnlySpan<sbyte> wc, Span<int> acc)
    {
        if (g.StrideW != 1) throw new ArgumentException("the vector path needs stride 1 along W");
        if (acc.Length < g.OutPixels + Lanes || plane.Length < g.PlaneH * g.PlaneW) throw new ArgumentException("depthwise int8 convolution: plane or accumulators too short");
        int pw = g.PlaneW, kH = g.KernelH, kW = g.KernelW, outW = g.OutW;
        int sH = g.StrideH * pw, dH = g.DilationH * pw, dW = g.DilationW;
        ref short p = ref MemoryMarshal.GetReference(plane);
        ref int a = ref MemoryMarshal.GetReference(acc);
        if (System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported)
        {
            SumsAdvSimd(ref p, wc, ref a, g.OutH, outW, kH, kW, sH, dH, dW);
            return;
        }
        if (kH == 3 && kW == 3 && Vector256.IsHardwareAccelerated)
        {
            Sums3x3Vector256(ref p, wc, ref a, g.OutH, outW, sH, dH, dW);
            return;
        }
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int top = oh * sH, row = oh * outW;
            for (int ow = 0; ow < outW; ow += Lanes)
            {
                if (Vector256.IsHardwareAccelerated)
                {
                    Vector256<int> lo = Vector256<int>.Zero, hi = Vector256<int>.Zero;
                    for (int kh = 0; kh < kH; kh++)
                        for (int kw = 0; kw < kW; kw++)
                        {
                            var product = Vector256.LoadUnsafe(ref p, (nuint)(top + kh * dH + kw * dW + ow)) * Vector256.Create((short)wc[kh * kW + kw]);
                            var (l, h) = Vector256.Widen(product);
                            lo += l;
                            hi += h;
                        }
                    lo.StoreUnsafe(ref a, (nuint)(row + ow));
                    hi.StoreUnsafe(ref a, (nuint)(row + ow + 8));
                }
                else
                {
                    for (int half = 0; half < Lanes; half += 8)
                    {
                        Vector128<int> lo = Vector128<int>.Zero, hi = Vector128<int>.Zero;
                        for (int kh = 0; kh < kH; kh++)
                            for (int kw = 0; kw < kW; kw++)
                            {
                                var product = Vector128.LoadUnsafe(ref p, (nuint)(top + kh * dH + kw * dW + ow + half)) * Vector128.Create((short)wc[kh * kW + kw]);
                                var (l, h) = Vector128.Widen(product);
                                lo += l;
                                hi += h;
                            }
                        lo.StoreUnsafe(ref a, (nuint)(row + ow + half));
                        hi.StoreUnsafe(ref a, (nuint)(row + ow + half + 4));
                    }
                }
            }
        }
    }

    /// <summary>The 3x3 kernel with its nine weights in registers: with rows this short, broadcasts and the tap loop are
    /// otherwise most of the cost (as in the float depthwise kernel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sums3x3Vector256(ref short p, ReadOnlySpan<sbyte> wc, ref int a, int outH, int outW, int sH, int dH, int dW)
    {
        Vector256<short> w0 = Vector256.Create((short)wc[0]), w1 = Vector256.Create((short)wc[1]), w2 = Vector256.Create((short)wc[2]);
        Vector256<short> w3 = Vector256.Create((short)wc[3]), w4 = Vector256.Create((short)wc[4]), w5 = Vector256.Create((short)wc[5]);
        Vector256<short> w6 = Vector256.Create((short)wc[6]), w7 = Vector256.Create((short)wc[7]), w8 = Vector256.Create((short)wc[8]);
        if (!wc.Contains(sbyte.MinValue))
        {
            Sums3x3PairedVector256(ref p, ref a, outH, outW, sH, dH, dW, w0, w1, w2, w3, w4, w5, w6, w7, w8);
            return;
        }
        for (int oh = 0; oh < outH; oh++)
        {
            int top = oh * sH, row = oh * outW;
            for (int ow = 0; ow < outW; ow += Lanes)
            {
                nuint r0 = (nuint)(top + ow), r1 = r0 + (nuint)dH, r2 = r1 + (nuint)dH, d = (nuint)dW;
                var (l0, h0) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r0) * w0);
                var (l1, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r0 + d) * w1);
                var (l2, h2) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r0 + 2 * d) * w2);
                var (l3, h3) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r1) * w3);
                var (l4, h4) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r1 + d) * w4);
                var (l5, h5) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r1 + 2 * d) * w5);
                var (l6, h6) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r2) * w6);
                var (l7, h7) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r2 + d) * w7);
                var (l8, h8) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r2 + 2 * d) * w8);
                ((l0 + l1) + (l2 + l3) + ((l4 + l5) + (l6 + l7)) + l8).StoreUnsafe(ref a, (nuint)(row + ow));
                ((h0 + h1) + (h2 + h3) + ((h4 + h5) + (h6 + h7)) + h8).StoreUnsafe(ref a, (nuint)(row + ow + 8));
            }
        }
    }

    /// <summary><see cref="Sums3x3Vector256"/> adding two products in int16 before widening, which halves the widenings:
    /// exact when no weight is -128 (|x · w| ≤ 128 · 127, so a pair stays within ±32512), as symmetric quantization
    /// guarantees; the caller checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sums3x3PairedVector256(ref short p, ref int a, int outH, int outW, int sH, int dH, int dW,
        Vector256<short> w0, Vector256<short> w1, Vector256<short> w2, Vector256<short> w3, Vector256<short> w4,
        Vector256<short> w5, Vector256<short> w6, Vector256<short> w7, Vector256<short> w8)
    {
        for (int oh = 0; oh < outH; oh++)
        {
            int top = oh * sH, row = oh * outW;
            for (int ow = 0; ow < outW; ow += Lanes)
            {
                nuint r0 = (nuint)(top + ow), r1 = r0 + (nuint)dH, r2 = r1 + (nuint)dH, d = (nuint)dW;
                var (l0, h0) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r0) * w0 + Vector256.LoadUnsafe(ref p, r0 + d) * w1);
                var (l1, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r0 + 2 * d) * w2 + Vector256.LoadUnsafe(ref p, r1) * w3);
                var (l2, h2) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r1 + d) * w4 + Vector256.LoadUnsafe(ref p, r1 + 2 * d) * w5);
                var (l3, h3) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r2) * w6 + Vector256.LoadUnsafe(ref p, r2 + d) * w7);
                var (l4, h4) = Vector256.Widen(Vector256.LoadUnsafe(ref p, r2 + 2 * d) * w8);
                ((l0 + l1) + (l2 + l3) + l4).StoreUnsafe(ref a, (nuint)(row + ow));
                ((h0 + h1) + (h2 + h3) + h4).StoreUnsafe(ref a, (nuint)(row + ow + 8));
            }
        }
    }
}
