using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Recurrent;

public static partial class Int8GruCell
{
    /// <summary>Whether <paramref name="path"/> runs the fused AVX-512BW loop: hidden a multiple of 16 (one Vector512 of
    /// sums per 16 rows, no padded rows), on a machine whose Vector512 is accelerated.</summary>
    private static bool FusedAvx512BW(Int8Path path, int hidden) =>
        hidden % 16 == 0 && Vector512.IsHardwareAccelerated && Avx512BW.IsSupported && path is Int8Path.Avx512BW or Int8Path.AvxVnni;

    /// <summary>The whole time loop in registers on AVX-512BW, for hidden a multiple of 16: per step, x and h quantized
    /// straight to int16 (the operand vpmaddwd takes, so nothing is widened twice), and per 16 columns of a gate its int32
    /// sums (two packed blocks of 8 rows, vpmovsxbw of the weight bytes and vpmaddwd with the broadcast quad, four chains,
    /// one two-source permute per parity) dequantized and run through the gate in the same registers. x·Wᵀ is computed in
    /// the step (off the chain that bounds it, which the out-of-order core overlaps) instead of before the loop.</summary>
    /// <remarks>Every float operation is the generic loop's, in the same order (the dequantization unfused, the gates'
    /// <see cref="GateSigmoidTanh"/> polynomials per lane, the same quantization), and the integer sums are exact, so the
    /// result is bit for bit the other paths'. Measured on the 32-step, hidden-32 benchmark GRU (the cell alone, Zen 4, 2
    /// shared cores, ±10 %): the generic loop (a product call, a quantization call and three dequantization passes per step,
    /// then with the projections before the loop) 9.3 µs; this loop 7.4 µs, 6.5 µs with r⊙h on h's scale; the float
    /// <see cref="GruCell"/> 5.5 µs. Leaving out the z gate's products (a third of R, off the chain) saves 0.5 µs, so the
    /// multiply-adds' throughput counts: 120 512-bit vpmaddwd per step (32 products each) against the float cell's 192 FMAs
    /// (16 each), and on Zen 4 the integer multiply-add seems not to issue as often as the FMA (not checked with counters). The widening is not what costs:
    /// R widened to int16 once per call (in scratch) and read by vpmaddwd directly was no faster. Tried and dropped as well:
    /// keeping the quantized h in a register (vpermq per quad instead of a store and broadcasts): no gain; an AVX2 loop
    /// multiplying the weight bytes unwidened (vpsignb, vpmaddubsw with |x|, vpmaddwd with ones): 10.1 µs.</remarks>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepsAvx512BW(scoped in Int8GruWeights weights, ReadOnlySpan<float> x, int xStride, float clip, Span<float> h, int steps, bool reverse,
        Span<float> y, int yStride, Span<byte> scratch, Layout layout)
    {
        if (PrepareU8(weights, scratch, layout))
            StepsAvx512BW<U8Products>(weights, x, xStride, clip, h, steps, reverse, y, yStride, scratch, layout);
        else
            StepsAvx512BW<WidenedProducts>(weights, x, xStride, clip, h, steps, reverse, y, yStride, scratch, layout);
    }

    /// <summary>The loop of <see cref="StepsAvx512BW(in Int8GruWeights, ReadOnlySpan{float}, int, float, Span{float}, int, bool, Span{float}, int, Span{byte}, Layout)"/>
    /// with <typeparamref name="TProducts"/>'s products (Int8GruCell.U8.cs: u8 for weights that fit vpmaddubsw, whose row
    /// sums are in the layout's RowSums).</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepsAvx512BW<TProducts>(scoped in Int8GruWeights weights, ReadOnlySpan<float> x, int xStride, float clip, Span<float> h, int steps, bool reverse,
        Span<float> y, int yStride, Span<byte> scratch, Layout layout) where TProducts : struct, IGruProducts
    {
        int n = weights.Hidden, input = weights.Input, kx = PaddedDepth(input), qx = kx / 4, qh = n / 4;
        bool linear = weights.LinearBeforeReset;
        var shorts = MemoryMarshal.Cast<byte, short>(scratch.Slice(layout.Quantized, 2 * (kx + 2 * n)));
        shorts.Clear(); // x's padding stays zero
        ref short xs = ref MemoryMarshal.GetReference(shorts);
        ref short hs = ref Unsafe.Add(ref xs, kx);
        ref short rhs = ref Unsafe.Add(ref hs, n);
        // The products' operands: the int16 quads themselves, or their u8 expansion.
        ref byte expanded = ref scratch[layout.Expanded];
        ref byte xq = ref TProducts.U8 ? ref expanded : ref Unsafe.As<short, byte>(ref xs);
        ref byte hq = ref TProducts.U8 ? ref Unsafe.Add(ref expanded, Layout.ExpandedBytes(kx)) : ref Unsafe.As<short, byte>(ref hs);
        ref byte rhq = ref TProducts.U8 ? ref Unsafe.Add(ref expanded, Layout.ExpandedBytes(kx) + Layout.ExpandedBytes(n)) : ref Unsafe.As<short, byte>(ref rhs);
        ref int wSums = ref Unsafe.As<byte, int>(ref scratch[layout.RowSums]);
        ref int rSums = ref Unsafe.Add(ref wSums, 3 * PaddedHidden(n));
        ref float zPre = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, float>(scratch.Slice(layout.Gates, n * sizeof(float))));
        ref float rh = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, float>(scratch.Slice(layout.ResetHidden, n * sizeof(float))));
        ref sbyte w = ref MemoryMarshal.GetReference(weights.W);
        ref sbyte r = ref MemoryMarshal.GetReference(weights.R);
        ref float ws = ref MemoryMarshal.GetReference(weights.WScales);
        ref float rs = ref MemoryMarshal.GetReference(weights.RScales);
        ref float b = ref MemoryMarshal.GetReference(weights.Bias);
        ref float rbh = ref MemoryMarshal.GetReference(weights.Rbh);
        ref float hv = ref MemoryMarshal.GetReference(h);
        var hi = Vector512.Create(clip);
        var lo = -hi;
        bool clipped = !float.IsPositiveInfinity(clip);
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            var sx = Vector512.Create(QuantizeRowToInt16(x.Slice(t * xStride, input), ref xs));
            var sh = Vector512.Create(QuantizeToInt16(ref hv, n, ref hs, out var hInverse));
            if (TProducts.U8)
            {
                ExpandU8(ref xs, qx, ref xq);
                ExpandU8(ref hs, qh, ref hq);
            }

            // Pass 1: r, on the chain; with linear_before_reset also Rh·h + Rbh, which r multiplies. z waits for pass 2,
            // where its products overlap the chain's quantization and Rh product instead of delaying r.
            for (int j = 0; j < n; j += 16)
            {
                nuint u = (nuint)j, ur = (nuint)(n + j);
                var pr = Vector512.ConvertToSingle(TProducts.Sums16(ref w, n + j, qx, ref xq, ref wSums)) * (sx * Vector512.LoadUnsafe(ref ws, ur)) + Vector512.LoadUnsafe(ref b, ur);
                var ar = Vector512.ConvertToSingle(TProducts.Sums16(ref r, n + j, qh, ref hq, ref rSums)) * (sh * Vector512.LoadUnsafe(ref rs, ur)) + pr;
                var other = linear
                    ? Vector512.ConvertToSingle(TProducts.Sums16(ref r, 2 * n + j, qh, ref hq, ref rSums)) * (sh * Vector512.LoadUnsafe(ref rs, (nuint)(2 * n + j))) + Vector512.LoadUnsafe(ref rbh, u)
                    : Vector512.LoadUnsafe(ref hv, u);
                (GateSigmoidTanh.Sigmoid(GateSigmoidTanh.Clip(ar, lo, hi, clipped)) * other).StoreUnsafe(ref rh, u);
            }

            // Pass 2: z, the candidate and the blend. The default form quantizes r⊙h again on h's scale (beside q(h),
            // which z still reads) and multiplies it by Rh.
            if (!linear)
            {
                QuantizeWith(ref rh, n, ref rhs, hInverse);
                if (TProducts.U8) ExpandU8(ref rhs, qh, ref rhq);
            }
            for (int j = 0; j < n; j += 16)
            {
                nuint u = (nuint)j, un = (nuint)(2 * n + j);
                var pn = Vector512.ConvertToSingle(TProducts.Sums16(ref w, 2 * n + j, qx, ref xq, ref wSums)) * (sx * Vector512.LoadUnsafe(ref ws, un)) + Vector512.LoadUnsafe(ref b, un);
                var an = linear
                    ? pn + Vector512.LoadUnsafe(ref rh, u)
                    : Vector512.ConvertToSingle(TProducts.Sums16(ref r, 2 * n + j, qh, ref rhq, ref rSums)) * (sh * Vector512.LoadUnsafe(ref rs, un)) + pn;
                var pz = Vector512.ConvertToSingle(TProducts.Sums16(ref w, j, qx, ref xq, ref wSums)) * (sx * Vector512.LoadUnsafe(ref ws, u)) + Vector512.LoadUnsafe(ref b, u);
                var az = Vector512.ConvertToSingle(TProducts.Sums16(ref r, j, qh, ref hq, ref rSums)) * (sh * Vector512.LoadUnsafe(ref rs, u)) + pz;
                var cand = GateSigmoidTanh.Tanh(GateSigmoidTanh.Clip(an, lo, hi, clipped));
                var gate = GateSigmoidTanh.Sigmoid(GateSigmoidTanh.Clip(az, lo, hi, clipped));
                (cand + gate * (Vector512.LoadUnsafe(ref hv, u) - cand)).StoreUnsafe(ref hv, u);
            }
            if (!y.IsEmpty) h.CopyTo(y.Slice(t * yStride, n));
        }
    }

    /// <summary>The int32 sums of 16 rows from <paramref name="row"/> (a multiple of 8) of a packed weight with
    /// <paramref name="quads"/> groups of four k, against x as int16 quads: two blocks, k split over four chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Sums16(ref sbyte packed, int row, int quads, ref long x)
    {
        ref sbyte b0 = ref Unsafe.Add(ref packed, row / 8 * quads * 32);
        ref sbyte b1 = ref Unsafe.Add(ref b0, quads * 32);
        Vector512<int> a0 = default, a1 = default, c0 = default, c1 = default;
        int q = 0;
        for (; q + 2 <= quads; q += 2)
        {
            var x0 = Vector512.Create(Unsafe.Add(ref x, q)).AsInt16();
            var x1 = Vector512.Create(Unsafe.Add(ref x, q + 1)).AsInt16();
            a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref b0, (nuint)(q * 32))), x0);
            a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref b1, (nuint)(q * 32))), x0);
            c0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref b0, (nuint)(q * 32 + 32))), x1);
            c1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref b1, (nuint)(q * 32 + 32))), x1);
        }
        if (q < quads)
        {
            var x0 = Vector512.Create(Unsafe.Add(ref x, q)).AsInt16();
            a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref b0, (nuint)(q * 32))), x0);
            a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref b1, (nuint)(q * 32))), x0);
        }
        a0 += c0;
        a1 += c1;
        // Lanes 2i and 2i + 1 hold row i's two halves: one permute per parity puts the 16 rows in order.
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        return Avx512F.PermuteVar16x32x2(a0, even, a1) + Avx512F.PermuteVar16x32x2(a0, even + Vector512<int>.One, a1);
    }

    /// <summary><see cref="Int8SymmetricQuantize"/> of n floats (a multiple of 16) straight to int16; returns the scale,
    /// and the factor the values were multiplied by in <paramref name="inverse"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float QuantizeToInt16(ref float v, int n, ref short q, out Vector512<float> inverse)
    {
        var m = Vector512<float>.Zero;
        for (int j = 0; j < n; j += 16) m = Vector512.Max(m, Vector512.Abs(Vector512.LoadUnsafe(ref v, (nuint)j)));
        // The maximum into every lane with shuffles (no scalar Math.Max, whose NaN and signed-zero handling costs a few
        // instructions each on the chain); |v| has no NaN or −0 here to tell the two apart.
        var m8 = Vector256.Max(m.GetLower(), m.GetUpper());
        var m4 = Vector128.Max(m8.GetLower(), m8.GetUpper());
        m4 = Vector128.Max(m4, Vector128.Shuffle(m4, Vector128.Create(2, 3, 0, 1)));
        m4 = Vector128.Max(m4, Vector128.Shuffle(m4, Vector128.Create(1, 0, 3, 2)));
        var max = Vector512.Create(m4.ToScalar());
        // 127 / max, or 0 for an all-zero vector (max 0): the scalar form's branch as a mask.
        inverse = Vector512.ConditionalSelect(Vector512.Equals(max, Vector512<float>.Zero), Vector512<float>.Zero, Vector512.Create(127f) / max);
        var limit = Vector512.Create(127);
        for (int j = 0; j < n; j += 16)
        {
            // vcvtps2dq rounds in the current mode, to nearest even (.NET never changes MXCSR): Round + convert in one.
            var i = Avx512F.ConvertToVector512Int32(Vector512.LoadUnsafe(ref v, (nuint)j) * inverse);
            Avx512F.ConvertToVector256Int16(Vector512.Min(Vector512.Max(i, -limit), limit)).StoreUnsafe(ref q, (nuint)j);
        }
        return m4.ToScalar() / 127f;
    }

    /// <summary><see cref="Int8SymmetricQuantize.Apply"/> of n floats (a multiple of 16) straight to int16.</summary>
    private static void QuantizeWith(ref float v, int n, ref short q, Vector512<float> inverse)
    {
        var limit = Vector512.Create(127);
        for (int j = 0; j < n; j += 16)
        {
            var i = Avx512F.ConvertToVector512Int32(Vector512.LoadUnsafe(ref v, (nuint)j) * inverse);
            Avx512F.ConvertToVector256Int16(Vector512.Min(Vector512.Max(i, -limit), limit)).StoreUnsafe(ref q, (nuint)j);
        }
    }

    /// <summary>One row of x quantized to int16 as <see cref="QuantizeToInt16(ReadOnlySpan{float}, ref short)"/> does, 16
    /// values a step when its length is a multiple of 16 and every value is finite (the vector conversion rounds as
    /// MathF.Round does, to nearest even, but turns NaN and infinities into other integers than the scalar cast); the
    /// scalar loop otherwise. At hidden 128 and 32 inputs the scalar loop was ~4 % of the whole GRU.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float QuantizeRowToInt16(ReadOnlySpan<float> v, ref short q)
    {
        int n = v.Length;
        if (n % 16 != 0 || n == 0) return QuantizeToInt16(v, ref q);
        ref float r = ref MemoryMarshal.GetReference(v);
        var finite = Vector512<float>.AllBitsSet.AsInt32();
        var limit = Vector512.Create(float.MaxValue);
        for (int j = 0; j < n; j += 16) finite &= Vector512.LessThanOrEqual(Vector512.Abs(Vector512.LoadUnsafe(ref r, (nuint)j)), limit).AsInt32();
        return finite == Vector512<int>.AllBitsSet ? QuantizeToInt16(ref r, n, ref q, out _) : QuantizeToInt16(v, ref q);
    }

    /// <summary>One row of x (any length) quantized like <see cref="Int8SymmetricQuantize.Scalar(ReadOnlySpan{float}, Span{sbyte})"/>, to int16; returns the scale.</summary>
    private static float QuantizeToInt16(ReadOnlySpan<float> v, ref short q)
    {
        float max = 0f;
        foreach (float f in v) max = Math.Max(max, Math.Abs(f));
        float inverse = max == 0f ? 0f : 127f / max;
        for (int i = 0; i < v.Length; i++) Unsafe.Add(ref q, i) = (short)Math.Clamp((int)MathF.Round(v[i] * inverse), -127, 127);
        return max / 127f;
    }
}
