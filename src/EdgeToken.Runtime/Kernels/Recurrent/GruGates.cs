using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The element-wise half of a GRU step with the default gate functions (f = sigmoid, g = tanh), in one
/// pass per gate block: the pre-activations are the projection row <c>p</c> (x·Wᵀ plus the folded biases, laid out
/// z, r, h) plus the recurrent products <c>a</c> from <see cref="GateMatVec"/>; every value is clipped to ±clip
/// (+inf for no clip).</summary>
/// <remarks>Fusing the adds, the clip, both activations and the blend saves the half-dozen TensorPrimitives calls per
/// step the general path makes; at hidden 32 those calls cost as much as the matrix product itself.</remarks>
public static class GruGates
{
    /// <summary>linear_before_reset = 0, first half: z (into zr[0..H]) and r⊙h (into <paramref name="resetState"/>),
    /// ready for the candidate's product Rh·(r⊙h).</summary>
    public static void ResetScalar(ReadOnlySpan<float> p, Span<float> zr, ReadOnlySpan<float> h, float clip, Span<float> resetState)
    {
        int n = h.Length;
        for (int j = 0; j < n; j++)
        {
            zr[j] = GateSigmoidTanh.Sigmoid(Clip(p[j] + zr[j], clip));
            resetState[j] = GateSigmoidTanh.Sigmoid(Clip(p[n + j] + zr[n + j], clip)) * h[j];
        }
    }

    /// <summary>linear_before_reset = 0, second half: n = tanh(p_h + Rh·(r⊙h)) and h' = n + z⊙(h − n).</summary>
    public static void UpdateScalar(ReadOnlySpan<float> p, ReadOnlySpan<float> z, ReadOnlySpan<float> candidate, float clip, Span<float> h)
    {
        int n = h.Length;
        for (int j = 0; j < n; j++)
        {
            float c = GateSigmoidTanh.Tanh(Clip(p[2 * n + j] + candidate[j], clip));
            h[j] = c + z[j] * (h[j] - c);
        }
    }

    /// <summary>linear_before_reset ≠ 0, the whole step: a = R·h over all three blocks, n = tanh(p_h + r⊙(a_h + Rbh)).</summary>
    public static void LinearBeforeResetScalar(ReadOnlySpan<float> p, ReadOnlySpan<float> a, ReadOnlySpan<float> recurrentBias, float clip, Span<float> h)
    {
        int n = h.Length;
        for (int j = 0; j < n; j++)
        {
            float z = GateSigmoidTanh.Sigmoid(Clip(p[j] + a[j], clip));
            float r = GateSigmoidTanh.Sigmoid(Clip(p[n + j] + a[n + j], clip));
            float c = GateSigmoidTanh.Tanh(Clip(p[2 * n + j] + r * (a[2 * n + j] + recurrentBias[j]), clip));
            h[j] = c + z * (h[j] - c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Reset(ReadOnlySpan<float> p, Span<float> zr, ReadOnlySpan<float> h, float clip, Span<float> resetState)
    {
        int n = h.Length;
        if (p.Length < 3 * n || zr.Length < 2 * n || resetState.Length < n) throw new ArgumentException("gate spans shorter than 3, 2 and 1 hidden blocks");
        ref float ps = ref MemoryMarshal.GetReference(p);
        ref float zs = ref MemoryMarshal.GetReference(zr);
        ref float hs = ref MemoryMarshal.GetReference(h);
        ref float rs = ref MemoryMarshal.GetReference(resetState);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var hi = Vector512.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j);
                var z = Vector512.LoadUnsafe(ref ps, u) + Vector512.LoadUnsafe(ref zs, u);
                var r = Vector512.LoadUnsafe(ref ps, v) + Vector512.LoadUnsafe(ref zs, v);
                GateSigmoidTanh.Sigmoid(Vector512.Min(Vector512.Max(z, lo), hi)).StoreUnsafe(ref zs, u);
                (GateSigmoidTanh.Sigmoid(Vector512.Min(Vector512.Max(r, lo), hi)) * Vector512.LoadUnsafe(ref hs, u)).StoreUnsafe(ref rs, u);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var hi = Vector256.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j);
                var z = Vector256.LoadUnsafe(ref ps, u) + Vector256.LoadUnsafe(ref zs, u);
                var r = Vector256.LoadUnsafe(ref ps, v) + Vector256.LoadUnsafe(ref zs, v);
                GateSigmoidTanh.Sigmoid(Vector256.Min(Vector256.Max(z, lo), hi)).StoreUnsafe(ref zs, u);
                (GateSigmoidTanh.Sigmoid(Vector256.Min(Vector256.Max(r, lo), hi)) * Vector256.LoadUnsafe(ref hs, u)).StoreUnsafe(ref rs, u);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var hi = Vector128.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j);
                var z = Vector128.LoadUnsafe(ref ps, u) + Vector128.LoadUnsafe(ref zs, u);
                var r = Vector128.LoadUnsafe(ref ps, v) + Vector128.LoadUnsafe(ref zs, v);
                GateSigmoidTanh.Sigmoid(Vector128.Min(Vector128.Max(z, lo), hi)).StoreUnsafe(ref zs, u);
                (GateSigmoidTanh.Sigmoid(Vector128.Min(Vector128.Max(r, lo), hi)) * Vector128.LoadUnsafe(ref hs, u)).StoreUnsafe(ref rs, u);
            }
        }
        for (; j < n; j++)
        {
            zr[j] = GateSigmoidTanh.Sigmoid(Clip(p[j] + zr[j], clip));
            resetState[j] = GateSigmoidTanh.Sigmoid(Clip(p[n + j] + zr[n + j], clip)) * h[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update(ReadOnlySpan<float> p, ReadOnlySpan<float> z, ReadOnlySpan<float> candidate, float clip, Span<float> h)
    {
        int n = h.Length;
        if (p.Length < 3 * n || z.Length < n || candidate.Length < n) throw new ArgumentException("gate spans shorter than 3, 1 and 1 hidden blocks");
        ref float ps = ref Unsafe.Add(ref MemoryMarshal.GetReference(p), 2 * n);
        ref float zs = ref MemoryMarshal.GetReference(z);
        ref float cs = ref MemoryMarshal.GetReference(candidate);
        ref float hs = ref MemoryMarshal.GetReference(h);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var hi = Vector512.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                nuint u = (nuint)j;
                var c = GateSigmoidTanh.Tanh(Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref ps, u) + Vector512.LoadUnsafe(ref cs, u), lo), hi));
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref zs, u), Vector512.LoadUnsafe(ref hs, u) - c, c).StoreUnsafe(ref hs, u);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var hi = Vector256.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint u = (nuint)j;
                var c = GateSigmoidTanh.Tanh(Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref ps, u) + Vector256.LoadUnsafe(ref cs, u), lo), hi));
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref zs, u), Vector256.LoadUnsafe(ref hs, u) - c, c).StoreUnsafe(ref hs, u);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var hi = Vector128.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                nuint u = (nuint)j;
                var c = GateSigmoidTanh.Tanh(Vector128.Min(Vector128.Max(Vector128.LoadUnsafe(ref ps, u) + Vector128.LoadUnsafe(ref cs, u), lo), hi));
                Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref zs, u), Vector128.LoadUnsafe(ref hs, u) - c, c).StoreUnsafe(ref hs, u);
            }
        }
        for (; j < n; j++)
        {
            float c = GateSigmoidTanh.Tanh(Clip(p[2 * n + j] + candidate[j], clip));
            h[j] = c + z[j] * (h[j] - c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LinearBeforeReset(ReadOnlySpan<float> p, ReadOnlySpan<float> a, ReadOnlySpan<float> recurrentBias, float clip, Span<float> h)
    {
        int n = h.Length;
        if (p.Length < 3 * n || a.Length < 3 * n || recurrentBias.Length < n) throw new ArgumentException("gate spans shorter than 3, 3 and 1 hidden blocks");
        ref float ps = ref MemoryMarshal.GetReference(p);
        ref float az = ref MemoryMarshal.GetReference(a);
        ref float bs = ref MemoryMarshal.GetReference(recurrentBias);
        ref float hs = ref MemoryMarshal.GetReference(h);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var hi = Vector512.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j), w = (nuint)(2 * n + j);
                var z = GateSigmoidTanh.Sigmoid(Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref ps, u) + Vector512.LoadUnsafe(ref az, u), lo), hi));
                var r = GateSigmoidTanh.Sigmoid(Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref ps, v) + Vector512.LoadUnsafe(ref az, v), lo), hi));
                var pre = Vector512.FusedMultiplyAdd(r, Vector512.LoadUnsafe(ref az, w) + Vector512.LoadUnsafe(ref bs, u), Vector512.LoadUnsafe(ref ps, w));
                var c = GateSigmoidTanh.Tanh(Vector512.Min(Vector512.Max(pre, lo), hi));
                Vector512.FusedMultiplyAdd(z, Vector512.LoadUnsafe(ref hs, u) - c, c).StoreUnsafe(ref hs, u);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var hi = Vector256.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j), w = (nuint)(2 * n + j);
                var z = GateSigmoidTanh.Sigmoid(Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref ps, u) + Vector256.LoadUnsafe(ref az, u), lo), hi));
                var r = GateSigmoidTanh.Sigmoid(Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref ps, v) + Vector256.LoadUnsafe(ref az, v), lo), hi));
                var pre = Vector256.FusedMultiplyAdd(r, Vector256.LoadUnsafe(ref az, w) + Vector256.LoadUnsafe(ref bs, u), Vector256.LoadUnsafe(ref ps, w));
                var c = GateSigmoidTanh.Tanh(Vector256.Min(Vector256.Max(pre, lo), hi));
                Vector256.FusedMultiplyAdd(z, Vector256.LoadUnsafe(ref hs, u) - c, c).StoreUnsafe(ref hs, u);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var hi = Vector128.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j), w = (nuint)(2 * n + j);
                var z = GateSigmoidTanh.Sigmoid(Vector128.Min(Vector128.Max(Vector128.LoadUnsafe(ref ps, u) + Vector128.LoadUnsafe(ref az, u), lo), hi));
                var r = GateSigmoidTanh.Sigmoid(Vector128.Min(Vector128.Max(Vector128.LoadUnsafe(ref ps, v) + Vector128.LoadUnsafe(ref az, v), lo), hi));
                var pre = Vector128.FusedMultiplyAdd(r, Vector128.LoadUnsafe(ref az, w) + Vector128.LoadUnsafe(ref bs, u), Vector128.LoadUnsafe(ref ps, w));
                var c = GateSigmoidTanh.Tanh(Vector128.Min(Vector128.Max(pre, lo), hi));
                Vector128.FusedMultiplyAdd(z, Vector128.LoadUnsafe(ref hs, u) - c, c).StoreUnsafe(ref hs, u);
            }
        }
        for (; j < n; j++)
        {
            float z = GateSigmoidTanh.Sigmoid(Clip(p[j] + a[j], clip));
            float r = GateSigmoidTanh.Sigmoid(Clip(p[n + j] + a[n + j], clip));
            float c = GateSigmoidTanh.Tanh(Clip(p[2 * n + j] + r * (a[2 * n + j] + recurrentBias[j]), clip));
            h[j] = c + z * (h[j] - c);
        }
    }

    private static float Clip(float x, float clip) => Math.Min(Math.Max(x, -clip), clip);
}
