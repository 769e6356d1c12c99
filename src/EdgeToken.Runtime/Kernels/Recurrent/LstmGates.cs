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
        if (Vector512.IsHardwareAccelerated)
        {
            var hi = Vector512.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j), w = (nuint)(2 * n + j), x = (nuint)(3 * n + j);
                var cPrev = Vector512.LoadUnsafe(ref cs, u);
                var i = GateSigmoidTanh.Sigmoid(Vector512.Min(Vector512.Max(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref qs, u), cPrev, Vector512.LoadUnsafe(ref ps, u) + Vector512.LoadUnsafe(ref az, u)), lo), hi));
                var f = GateSigmoidTanh.Sigmoid(Vector512.Min(Vector512.Max(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref qs, w), cPrev, Vector512.LoadUnsafe(ref ps, w) + Vector512.LoadUnsafe(ref az, w)), lo), hi));
                var g = GateSigmoidTanh.Tanh(Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref ps, x) + Vector512.LoadUnsafe(ref az, x), lo), hi));
                var cNext = Vector512.FusedMultiplyAdd(f, cPrev, i * g);
                var o = GateSigmoidTanh.Sigmoid(Vector512.Min(Vector512.Max(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref qs, v), cNext, Vector512.LoadUnsafe(ref ps, v) + Vector512.LoadUnsafe(ref az, v)), lo), hi));
                cNext.StoreUnsafe(ref cs, u);
                (o * GateSigmoidTanh.Tanh(cNext)).StoreUnsafe(ref hs, u);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var hi = Vector256.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j), w = (nuint)(2 * n + j), x = (nuint)(3 * n + j);
                var cPrev = Vector256.LoadUnsafe(ref cs, u);
                var i = GateSigmoidTanh.Sigmoid(Vector256.Min(Vector256.Max(Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref qs, u), cPrev, Vector256.LoadUnsafe(ref ps, u) + Vector256.LoadUnsafe(ref az, u)), lo), hi));
                var f = GateSigmoidTanh.Sigmoid(Vector256.Min(Vector256.Max(Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref qs, w), cPrev, Vector256.LoadUnsafe(ref ps, w) + Vector256.LoadUnsafe(ref az, w)), lo), hi));
                var g = GateSigmoidTanh.Tanh(Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref ps, x) + Vector256.LoadUnsafe(ref az, x), lo), hi));
                var cNext = Vector256.FusedMultiplyAdd(f, cPrev, i * g);
                var o = GateSigmoidTanh.Sigmoid(Vector256.Min(Vector256.Max(Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref qs, v), cNext, Vector256.LoadUnsafe(ref ps, v) + Vector256.LoadUnsafe(ref az, v)), lo), hi));
                cNext.StoreUnsafe(ref cs, u);
                (o * GateSigmoidTanh.Tanh(cNext)).StoreUnsafe(ref hs, u);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var hi = Vector128.Create(clip);
            var lo = -hi;
            for (; j <= n - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                nuint u = (nuint)j, v = (nuint)(n + j), w = (nuint)(2 * n + j), x = (nuint)(3 * n + j);
                var cPrev = Vector128.LoadUnsafe(ref cs, u);
                var i = GateSigmoidTanh.Sigmoid(Vector128.Min(Vector128.Max(Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref qs, u), cPrev, Vector128.LoadUnsafe(ref ps, u) + Vector128.LoadUnsafe(ref az, u)), lo), hi));
                var f = GateSigmoidTanh.Sigmoid(Vector128.Min(Vector128.Max(Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref qs, w), cPrev, Vector128.LoadUnsafe(ref ps, w) + Vector128.LoadUnsafe(ref az, w)), lo), hi));
                var g = GateSigmoidTanh.Tanh(Vector128.Min(Vector128.Max(Vector128.LoadUnsafe(ref ps, x) + Vector128.LoadUnsafe(ref az, x), lo), hi));
                var cNext = Vector128.FusedMultiplyAdd(f, cPrev, i * g);
                var o = GateSigmoidTanh.Sigmoid(Vector128.Min(Vector128.Max(Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref qs, v), cNext, Vector128.LoadUnsafe(ref ps, v) + Vector128.LoadUnsafe(ref az, v)), lo), hi));
                cNext.StoreUnsafe(ref cs, u);
                (o * GateSigmoidTanh.Tanh(cNext)).StoreUnsafe(ref hs, u);
            }
        }
        for (; j < n; j++) Element(p, a, peep, clip, c, h, n, j);
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
