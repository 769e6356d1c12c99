using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The element-wise half of an LSTM step with the default gate functions (f = sigmoid, g = h = tanh) and
/// no input_forget, in one pass: the pre-activations are the projection row <c>p</c> (x·Wᵀ + Wb + Rb, gate order
/// i, o, f, c) plus the recurrent product <c>a</c> from <see cref="GateMatVec"/>, plus the peepholes
/// <c>peep</c> (Pi, Po, Pf; zeros without P) times the cell state; gates are clipped to ±clip (+inf for no clip).
/// Updates the cell state c and the hidden state h in place.</summary>
/// <remarks>One pass instead of the ten or so TensorPrimitives calls per step of the general path, which at
/// hidden 32 cost as much as the matrix product.</remarks>
public static class LstmGates
{
    /// <summary>The reference the vector paths are tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> p, ReadOnlySpan<float> a, ReadOnlySpan<float> peep, float clip, Span<float> c, Span<float> h)
    {
        int n = h.Length;
        for (int j = 0; j < n; j++) Element(p, a, peep, clip, c, h, n, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> p, ReadOnlySpan<float> a, ReadOnlySpan<float> peep, float clip, Span<float> c, Span<float> h)
    {
        int n = h.Length;
        if (p.Length < 4 * n || a.Length < 4 * n || peep.Length < 3 * n || c.Length < n) throw new ArgumentException("gate spans shorter than 4, 4, 3 and 1 hidden blocks");
        ref float ps = ref MemoryMarshal.GetReference(p);
        ref float az = ref MemoryMarshal.GetReference(a);
        ref float qs = ref MemoryMarshal.GetReference(peep);
        ref float cs = ref MemoryMarshal.GetReference(c);
        ref float hs = ref MemoryMarshal.GetReference(h);
        int j = 0;
        if (Vector512.IsHardwareAccelerated) j = Run<Vector512<float>, F512>(ref ps, ref az, ref qs, clip, ref cs, ref hs, n, j);
        if (Vector256.IsHardwareAccelerated) j = Run<Vector256<float>, F256>(ref ps, ref az, ref qs, clip, ref cs, ref hs, n, j);
        if (Vector128.IsHardwareAccelerated) j = Run<Vector128<float>, F128>(ref ps, ref az, ref qs, clip, ref cs, ref hs, n, j);
        for (; j < n; j++) Element(p, a, peep, clip, c, h, n, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Run<TVec, TOps>(ref float ps, ref float az, ref float qs, float clip, ref float cs, ref float hs, int n, int j)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        bool clipped = !float.IsPositiveInfinity(clip);
        for (; j <= n - TOps.Count; j += TOps.Count)
        {
            nuint u = (nuint)j, v = (nuint)(n + j), w = (nuint)(2 * n + j), x = (nuint)(3 * n + j);
            var cPrev = TOps.Load(ref cs, u);
            var i = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(TOps.FusedMultiplyAdd(TOps.Load(ref qs, u), cPrev, TOps.Add(TOps.Load(ref ps, u), TOps.Load(ref az, u))), lo, hi, clipped));
            var f = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(TOps.FusedMultiplyAdd(TOps.Load(ref qs, w), cPrev, TOps.Add(TOps.Load(ref ps, w), TOps.Load(ref az, w))), lo, hi, clipped));
            var g = GateSigmoidTanh.Tanh<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(TOps.Add(TOps.Load(ref ps, x), TOps.Load(ref az, x)), lo, hi, clipped));
            var cNext = TOps.FusedMultiplyAdd(f, cPrev, TOps.Multiply(i, g));
            var o = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(TOps.FusedMultiplyAdd(TOps.Load(ref qs, v), cNext, TOps.Add(TOps.Load(ref ps, v), TOps.Load(ref az, v))), lo, hi, clipped));
            TOps.Store(cNext, ref cs, u);
            TOps.Store(TOps.Multiply(o, GateSigmoidTanh.Tanh<TVec, TOps>(cNext)), ref hs, u);
        }
        return j;
    }

    private static void Element(ReadOnlySpan<float> p, ReadOnlySpan<float> a, ReadOnlySpan<float> peep, float clip, Span<float> c, Span<float> h, int n, int j)
    {
        float cPrev = c[j];
        float i = GateSigmoidTanh.Sigmoid(Clip(p[j] + a[j] + peep[j] * cPrev, clip));
        float f = GateSigmoidTanh.Sigmoid(Clip(p[2 * n + j] + a[2 * n + j] + peep[2 * n + j] * cPrev, clip));
        float g = GateSigmoidTanh.Tanh(Clip(p[3 * n + j] + a[3 * n + j], clip));
        float cNext = f * cPrev + i * g;
        float o = GateSigmoidTanh.Sigmoid(Clip(p[n + j] + a[n + j] + peep[n + j] * cNext, clip));
        c[j] = cNext;
        h[j] = o * GateSigmoidTanh.Tanh(cNext);
    }

    private static float Clip(float x, float clip) => Math.Min(Math.Max(x, -clip), clip);
}
