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
        if (Vector512.IsHardwareAccelerated) j = Reset<Vector512<float>, F512>(ref ps, ref zs, ref hs, clip, ref rs, n, j);
        if (Vector256.IsHardwareAccelerated) j = Reset<Vector256<float>, F256>(ref ps, ref zs, ref hs, clip, ref rs, n, j);
        if (Vector128.IsHardwareAccelerated) j = Reset<Vector128<float>, F128>(ref ps, ref zs, ref hs, clip, ref rs, n, j);
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
        if (Vector512.IsHardwareAccelerated) j = Update<Vector512<float>, F512>(ref ps, ref zs, ref cs, clip, ref hs, n, j);
        if (Vector256.IsHardwareAccelerated) j = Update<Vector256<float>, F256>(ref ps, ref zs, ref cs, clip, ref hs, n, j);
        if (Vector128.IsHardwareAccelerated) j = Update<Vector128<float>, F128>(ref ps, ref zs, ref cs, clip, ref hs, n, j);
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
        if (Vector512.IsHardwareAccelerated) j = LinearBeforeReset<Vector512<float>, F512>(ref ps, ref az, ref bs, clip, ref hs, n, j);
        if (Vector256.IsHardwareAccelerated) j = LinearBeforeReset<Vector256<float>, F256>(ref ps, ref az, ref bs, clip, ref hs, n, j);
        if (Vector128.IsHardwareAccelerated) j = LinearBeforeReset<Vector128<float>, F128>(ref ps, ref az, ref bs, clip, ref hs, n, j);
        for (; j < n; j++)
        {
            float z = GateSigmoidTanh.Sigmoid(Clip(p[j] + a[j], clip));
            float r = GateSigmoidTanh.Sigmoid(Clip(p[n + j] + a[n + j], clip));
            float c = GateSigmoidTanh.Tanh(Clip(p[2 * n + j] + r * (a[2 * n + j] + recurrentBias[j]), clip));
            h[j] = c + z * (h[j] - c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Reset<TVec, TOps>(ref float ps, ref float zs, ref float hs, float clip, ref float rs, int n, int j)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        for (; j <= n - TOps.Count; j += TOps.Count)
        {
            nuint u = (nuint)j, v = (nuint)(n + j);
            var z = TOps.Add(TOps.Load(ref ps, u), TOps.Load(ref zs, u));
            var r = TOps.Add(TOps.Load(ref ps, v), TOps.Load(ref zs, v));
            TOps.Store(GateSigmoidTanh.Sigmoid<TVec, TOps>(TOps.Min(TOps.Max(z, lo), hi)), ref zs, u);
            TOps.Store(TOps.Multiply(GateSigmoidTanh.Sigmoid<TVec, TOps>(TOps.Min(TOps.Max(r, lo), hi)), TOps.Load(ref hs, u)), ref rs, u);
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Update<TVec, TOps>(ref float ps, ref float zs, ref float cs, float clip, ref float hs, int n, int j)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        for (; j <= n - TOps.Count; j += TOps.Count)
        {
            nuint u = (nuint)j;
            var c = GateSigmoidTanh.Tanh<TVec, TOps>(TOps.Min(TOps.Max(TOps.Add(TOps.Load(ref ps, u), TOps.Load(ref cs, u)), lo), hi));
            TOps.Store(TOps.FusedMultiplyAdd(TOps.Load(ref zs, u), TOps.Subtract(TOps.Load(ref hs, u), c), c), ref hs, u);
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LinearBeforeReset<TVec, TOps>(ref float ps, ref float az, ref float bs, float clip, ref float hs, int n, int j)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        for (; j <= n - TOps.Count; j += TOps.Count)
        {
            nuint u = (nuint)j, v = (nuint)(n + j), w = (nuint)(2 * n + j);
            var z = GateSigmoidTanh.Sigmoid<TVec, TOps>(TOps.Min(TOps.Max(TOps.Add(TOps.Load(ref ps, u), TOps.Load(ref az, u)), lo), hi));
            var r = GateSigmoidTanh.Sigmoid<TVec, TOps>(TOps.Min(TOps.Max(TOps.Add(TOps.Load(ref ps, v), TOps.Load(ref az, v)), lo), hi));
            var pre = TOps.FusedMultiplyAdd(r, TOps.Add(TOps.Load(ref az, w), TOps.Load(ref bs, u)), TOps.Load(ref ps, w));
            var c = GateSigmoidTanh.Tanh<TVec, TOps>(TOps.Min(TOps.Max(pre, lo), hi));
            TOps.Store(TOps.FusedMultiplyAdd(z, TOps.Subtract(TOps.Load(ref hs, u), c), c), ref hs, u);
        }
        return j;
    }

    private static float Clip(float x, float clip) => Math.Min(Math.Max(x, -clip), clip);
}
