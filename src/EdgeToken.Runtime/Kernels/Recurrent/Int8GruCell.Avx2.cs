using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Recurrent;

public static partial class Int8GruCell
{
    /// <summary>Whether <paramref name="path"/> runs the fused AVX2 loop (when <see cref="FusedAvx512BW"/> does not): hidden
    /// a multiple of 8 (one Vector256 of sums per packed block, no padded rows); AVX-VNNI has no loop of its own.</summary>
    private static bool FusedAvx2(Int8Path path, int hidden) =>
        hidden % 8 == 0 && Vector256.IsHardwareAccelerated && Avx2.IsSupported && path is Int8Path.Avx2 or Int8Path.Avx512BW or Int8Path.AvxVnni;

    /// <summary><see cref="StepsAvx512BW"/> at 256 bits, for machines without AVX-512 and for hidden a multiple of 8 but not
    /// of 16: per packed block of 8 rows and quad of k, the 32 weight bytes as two halves of 4 rows, vpmovsxbw and
    /// vpmaddwd with the broadcast quad, then vphaddd and a 64-bit permute put the 8 row sums in order. The same float
    /// operations in the same order as the generic loop, so bit for bit the other paths.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepsAvx2(scoped in Int8GruWeights weights, ReadOnlySpan<float> x, int xStride, float clip, Span<float> h, int steps, bool reverse,
        Span<float> y, int yStride, Span<byte> scratch, Layout layout)
    {
        if (PrepareU8(weights, scratch, layout))
            StepsAvx2<U8Products256>(weights, x, xStride, clip, h, steps, reverse, y, yStride, scratch, layout);
        else
            StepsAvx2<WidenedProducts>(weights, x, xStride, clip, h, steps, reverse, y, yStride, scratch, layout);
    }

    /// <summary>The loop of <see cref="StepsAvx2(in Int8GruWeights, ReadOnlySpan{float}, int, float, Span{float}, int, bool, Span{float}, int, Span{byte}, Layout)"/>
    /// with <typeparamref name="TProducts"/>'s products.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepsAvx2<TProducts>(scoped in Int8GruWeights weights, ReadOnlySpan<float> x, int xStride, float clip, Span<float> h, int steps, bool reverse,
        Span<float> y, int yStride, Span<byte> scratch, Layout layout) where TProducts : struct, IGruProducts
    {
        int n = weights.Hidden, input = weights.Input, kx = PaddedDepth(input), qx = kx / 4, qh = n / 4;
        bool linear = weights.LinearBeforeReset;
        var shorts = MemoryMarshal.Cast<byte, short>(scratch.Slice(layout.Quantized, 2 * (kx + n)));
        shorts.Clear(); // x's padding stays zero
        ref short xs = ref MemoryMarshal.GetReference(shorts);
        ref short hs = ref Unsafe.Add(ref xs, kx);
        // The products' operands: the int16 quads, or x + 128 as bytes (in the layout's Expanded region).
        ref byte u8 = ref scratch[layout.Expanded];
        ref byte xq = ref TProducts.U8 ? ref u8 : ref Unsafe.As<short, byte>(ref xs);
        ref byte hq = ref TProducts.U8 ? ref Unsafe.Add(ref u8, kx) : ref Unsafe.As<short, byte>(ref hs);
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
        var hi = Vector256.Create(clip);
        var lo = -hi;
        bool clipped = !float.IsPositiveInfinity(clip);
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            var sx = Vector256.Create(QuantizeToInt16(x.Slice(t * xStride, input), ref xs));
            var sh = Vector256.Create(QuantizeToInt16Avx2(ref hv, n, ref hs, out var hInverse));
            if (TProducts.U8)
            {
                ToU8(ref xs, kx, ref xq);
                ToU8(ref hs, n, ref hq);
            }

            // Pass 1: r (on the chain) first, then z; with linear_before_reset also Rh·h + Rbh, which r multiplies.
            for (int j = 0; j < n; j += 8)
            {
                nuint u = (nuint)j, ur = (nuint)(n + j);
                var pr = Vector256.ConvertToSingle(TProducts.Sums8(ref w, n + j, qx, ref xq, ref wSums)) * (sx * Vector256.LoadUnsafe(ref ws, ur)) + Vector256.LoadUnsafe(ref b, ur);
                var ar = Vector256.ConvertToSingle(TProducts.Sums8(ref r, n + j, qh, ref hq, ref rSums)) * (sh * Vector256.LoadUnsafe(ref rs, ur)) + pr;
                var other = linear
                    ? Vector256.ConvertToSingle(TProducts.Sums8(ref r, 2 * n + j, qh, ref hq, ref rSums)) * (sh * Vector256.LoadUnsafe(ref rs, (nuint)(2 * n + j))) + Vector256.LoadUnsafe(ref rbh, u)
                    : Vector256.LoadUnsafe(ref hv, u);
                (GateSigmoidTanh.Sigmoid(GateSigmoidTanh.Clip(ar, lo, hi, clipped)) * other).StoreUnsafe(ref rh, u);
                var pz = Vector256.ConvertToSingle(TProducts.Sums8(ref w, j, qx, ref xq, ref wSums)) * (sx * Vector256.LoadUnsafe(ref ws, u)) + Vector256.LoadUnsafe(ref b, u);
                var az = Vector256.ConvertToSingle(TProducts.Sums8(ref r, j, qh, ref hq, ref rSums)) * (sh * Vector256.LoadUnsafe(ref rs, u)) + pz;
                GateSigmoidTanh.Clip(az, lo, hi, clipped).StoreUnsafe(ref zPre, u);
            }

            // Pass 2: the candidate and the blend. The default form quantizes r⊙h again on h's scale (into the h buffer:
            // h's own quantized values are no longer needed) and multiplies it by Rh.
            if (!linear)
            {
                QuantizeWithAvx2(ref rh, n, ref hs, hInverse);
                if (TProducts.U8) ToU8(ref hs, n, ref hq);
            }
            for (int j = 0; j < n; j += 8)
            {
                nuint u = (nuint)j, un = (nuint)(2 * n + j);
                var pn = Vector256.ConvertToSingle(TProducts.Sums8(ref w, 2 * n + j, qx, ref xq, ref wSums)) * (sx * Vector256.LoadUnsafe(ref ws, un)) + Vector256.LoadUnsafe(ref b, un);
                var an = linear
                    ? pn + Vector256.LoadUnsafe(ref rh, u)
                    : Vector256.ConvertToSingle(TProducts.Sums8(ref r, 2 * n + j, qh, ref hq, ref rSums)) * (sh * Vector256.LoadUnsafe(ref rs, un)) + pn;
                var cand = GateSigmoidTanh.Tanh(GateSigmoidTanh.Clip(an, lo, hi, clipped));
                var gate = GateSigmoidTanh.Sigmoid(Vector256.LoadUnsafe(ref zPre, u));
                (cand + gate * (Vector256.LoadUnsafe(ref hv, u) - cand)).StoreUnsafe(ref hv, u);
            }
            if (!y.IsEmpty) h.CopyTo(y.Slice(t * yStride, n));
        }
    }

    /// <summary>The int32 sums of the 8 rows of the packed block from <paramref name="row"/> (a multiple of 8), with
    /// <paramref name="quads"/> groups of four k, against x as int16 quads: k split over two chains per half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Sums8(ref sbyte packed, int row, int quads, ref long x)
    {
        ref sbyte block = ref Unsafe.Add(ref packed, row / 8 * quads * 32);
        Vector256<int> a0 = default, a1 = default, c0 = default, c1 = default;
        int q = 0;
        for (; q + 2 <= quads; q += 2)
        {
            var x0 = Vector256.Create(Unsafe.Add(ref x, q)).AsInt16();
            var x1 = Vector256.Create(Unsafe.Add(ref x, q + 1)).AsInt16();
            a0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref block, (nuint)(q * 32))), x0);
            a1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref block, (nuint)(q * 32 + 16))), x0);
            c0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref block, (nuint)(q * 32 + 32))), x1);
            c1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref block, (nuint)(q * 32 + 48))), x1);
        }
        if (q < quads)
        {
            var x0 = Vector256.Create(Unsafe.Add(ref x, q)).AsInt16();
            a0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref block, (nuint)(q * 32))), x0);
            a1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref block, (nuint)(q * 32 + 16))), x0);
        }
        // hadd: [r0 r1 r4 r5 | r2 r3 r6 r7] as 64-bit pairs; the permute puts them in order.
        return Avx2.Permute4x64(Avx2.HorizontalAdd(a0 + c0, a1 + c1).AsInt64(), 0b11_01_10_00).AsInt32();
    }

    /// <summary><see cref="Int8SymmetricQuantize"/> of n floats (a multiple of 8) straight to int16; returns the scale,
    /// and the factor the values were multiplied by in <paramref name="inverse"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float QuantizeToInt16Avx2(ref float v, int n, ref short q, out Vector256<float> inverse)
    {
        var m = Vector256<float>.Zero;
        for (int j = 0; j < n; j += 8) m = Vector256.Max(m, Vector256.Abs(Vector256.LoadUnsafe(ref v, (nuint)j)));
        var m4 = Vector128.Max(m.GetLower(), m.GetUpper());
        m4 = Vector128.Max(m4, Vector128.Shuffle(m4, Vector128.Create(2, 3, 0, 1)));
        m4 = Vector128.Max(m4, Vector128.Shuffle(m4, Vector128.Create(1, 0, 3, 2)));
        var max = Vector256.Create(m4.ToScalar());
        inverse = Vector256.ConditionalSelect(Vector256.Equals(max, Vector256<float>.Zero), Vector256<float>.Zero, Vector256.Create(127f) / max);
        QuantizeWithAvx2(ref v, n, ref q, inverse);
        return m4.ToScalar() / 127f;
    }

    /// <summary><see cref="Int8SymmetricQuantize.Apply"/> of n floats (a multiple of 8) straight to int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void QuantizeWithAvx2(ref float v, int n, ref short q, Vector256<float> inverse)
    {
        var limit = Vector256.Create(127);
        for (int j = 0; j < n; j += 8)
        {
            // vcvtps2dq rounds to nearest even (.NET never changes MXCSR), as Round then convert would.
            var i = Vector256.Min(Vector256.Max(Avx.ConvertToVector256Int32(Vector256.LoadUnsafe(ref v, (nuint)j) * inverse), -limit), limit);
            Sse2.PackSignedSaturate(i.GetLower(), i.GetUpper()).StoreUnsafe(ref q, (nuint)j);
        }
    }
}
