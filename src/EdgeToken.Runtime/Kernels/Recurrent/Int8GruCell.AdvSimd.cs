using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Recurrent;

public static partial class Int8GruCell
{
    /// <summary>Whether <paramref name="path"/> runs the fused ARM64 loop: the dot-product path, hidden a multiple of 8
    /// (no padded rows).</summary>
    private static bool FusedAdvSimd(Int8Path path, int hidden) => hidden % 8 == 0 && path == Int8Path.AdvSimdDot && Dp.IsSupported;

    /// <summary>The time loop in one method on ARM64 with the dot product: per 4 columns of a gate, the 4 rows' int32 sums
    /// straight from the packed weights (each 16 weight bytes of a block are 4 rows × 4 k: one sdot with the quad of x
    /// replicated adds four products into each row's own lane, no widening, no reduction), dequantized and run through the
    /// gate in the same registers. x, h and r⊙h are quantized by <see cref="Int8SymmetricQuantize"/> itself, the float
    /// operations are the generic loop's in the same order, so the result is bit for bit the other paths'. Checked under
    /// qemu (tests/EdgeToken.Int8Check); not timed on ARM64 hardware.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepsAdvSimd(scoped in Int8GruWeights weights, ReadOnlySpan<float> x, int xStride, float clip, Span<float> h, int steps, bool reverse,
        Span<float> y, int yStride, Span<byte> scratch, Layout layout)
    {
        int n = weights.Hidden, input = weights.Input, kx = PaddedDepth(input), qx = kx / 4, qh = n / 4;
        bool linear = weights.LinearBeforeReset;
        var bytes = MemoryMarshal.Cast<byte, sbyte>(scratch.Slice(layout.Quantized, kx + n));
        bytes.Clear(); // x's padding stays zero
        var xs = bytes.Slice(0, kx);
        var hs = bytes.Slice(kx, n);
        ref int xq = ref Unsafe.As<sbyte, int>(ref MemoryMarshal.GetReference(xs));
        ref int hq = ref Unsafe.As<sbyte, int>(ref MemoryMarshal.GetReference(hs));
        var rhSpan = MemoryMarshal.Cast<byte, float>(scratch.Slice(layout.ResetHidden, n * sizeof(float)));
        ref float zPre = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, float>(scratch.Slice(layout.Gates, n * sizeof(float))));
        ref float rh = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<byte, float>(scratch.Slice(layout.ResetHidden, n * sizeof(float))));
        ref sbyte w = ref MemoryMarshal.GetReference(weights.W);
        ref sbyte r = ref MemoryMarshal.GetReference(weights.R);
        ref float ws = ref MemoryMarshal.GetReference(weights.WScales);
        ref float rs = ref MemoryMarshal.GetReference(weights.RScales);
        ref float b = ref MemoryMarshal.GetReference(weights.Bias);
        ref float rbh = ref MemoryMarshal.GetReference(weights.Rbh);
        ref float hv = ref MemoryMarshal.GetReference(h);
        var hi = Vector128.Create(clip);
        var lo = -hi;
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            var sx = Vector128.Create(Int8SymmetricQuantize.Run(x.Slice(t * xStride, input), xs));
            var sh = Vector128.Create(Int8SymmetricQuantize.Run(h, hs, out float hInverse));

            // Pass 1: r (on the chain) first, then z; with linear_before_reset also Rh·h + Rbh, which r multiplies.
            for (int j = 0; j < n; j += 4)
            {
                nuint u = (nuint)j, ur = (nuint)(n + j);
                var pr = Vector128.ConvertToSingle(Sums4(ref w, n + j, qx, ref xq)) * (sx * Vector128.LoadUnsafe(ref ws, ur)) + Vector128.LoadUnsafe(ref b, ur);
                var ar = Vector128.ConvertToSingle(Sums4(ref r, n + j, qh, ref hq)) * (sh * Vector128.LoadUnsafe(ref rs, ur)) + pr;
                var other = linear
                    ? Vector128.ConvertToSingle(Sums4(ref r, 2 * n + j, qh, ref hq)) * (sh * Vector128.LoadUnsafe(ref rs, (nuint)(2 * n + j))) + Vector128.LoadUnsafe(ref rbh, u)
                    : Vector128.LoadUnsafe(ref hv, u);
                (GateSigmoidTanh.Sigmoid(Vector128.Min(Vector128.Max(ar, lo), hi)) * other).StoreUnsafe(ref rh, u);
                var pz = Vector128.ConvertToSingle(Sums4(ref w, j, qx, ref xq)) * (sx * Vector128.LoadUnsafe(ref ws, u)) + Vector128.LoadUnsafe(ref b, u);
                var az = Vector128.ConvertToSingle(Sums4(ref r, j, qh, ref hq)) * (sh * Vector128.LoadUnsafe(ref rs, u)) + pz;
                Vector128.Min(Vector128.Max(az, lo), hi).StoreUnsafe(ref zPre, u);
            }

            // Pass 2: the candidate and the blend. The default form quantizes r⊙h again on h's scale (into the h buffer:
            // h's own quantized values are no longer needed) and multiplies it by Rh.
            if (!linear) Int8SymmetricQuantize.Apply(rhSpan, hs, hInverse);
            for (int j = 0; j < n; j += 4)
            {
                nuint u = (nuint)j, un = (nuint)(2 * n + j);
                var pn = Vector128.ConvertToSingle(Sums4(ref w, 2 * n + j, qx, ref xq)) * (sx * Vector128.LoadUnsafe(ref ws, un)) + Vector128.LoadUnsafe(ref b, un);
                var an = linear
                    ? pn + Vector128.LoadUnsafe(ref rh, u)
                    : Vector128.ConvertToSingle(Sums4(ref r, 2 * n + j, qh, ref hq)) * (sh * Vector128.LoadUnsafe(ref rs, un)) + pn;
                var cand = GateSigmoidTanh.Tanh(Vector128.Min(Vector128.Max(an, lo), hi));
                var gate = GateSigmoidTanh.Sigmoid(Vector128.LoadUnsafe(ref zPre, u));
                (cand + gate * (Vector128.LoadUnsafe(ref hv, u) - cand)).StoreUnsafe(ref hv, u);
            }
            if (!y.IsEmpty) h.CopyTo(y.Slice(t * yStride, n));
        }
    }

    /// <summary>The int32 sums of the 4 rows from <paramref name="row"/> (a multiple of 4) of a packed weight with
    /// <paramref name="quads"/> groups of four k, against x's quads (four bytes per int): two sdot chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Sums4(ref sbyte packed, int row, int quads, ref int x)
    {
        ref sbyte half = ref Unsafe.Add(ref packed, row / 8 * quads * 32 + row % 8 * 4);
        Vector128<int> a0 = default, a1 = default;
        int q = 0;
        for (; q + 2 <= quads; q += 2)
        {
            a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref half, (nuint)(q * 32)), Vector128.Create(Unsafe.Add(ref x, q)).AsSByte());
            a1 = Dp.DotProduct(a1, Vector128.LoadUnsafe(ref half, (nuint)(q * 32 + 32)), Vector128.Create(Unsafe.Add(ref x, q + 1)).AsSByte());
        }
        if (q < quads) a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref half, (nuint)(q * 32)), Vector128.Create(Unsafe.Add(ref x, q)).AsSByte());
        return a0 + a1;
    }
}
