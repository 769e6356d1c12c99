using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>One whole GRU step with the default gate functions (f = sigmoid, g = tanh), linear_before_reset 0 or 1:
/// the input projection, the recurrent products and the gate math in the same loops, in two passes over the columns.
/// <c>wt</c> is Wᵀ, [input, 3·hidden], and <c>rt</c> Rᵀ, [hidden, 3·hidden], both row-major (<see cref="RecurrentWeights"/>);
/// <c>b</c> the folded bias row (Wb + Rb, gates z, r, h); every pre-activation is clipped to ±clip (+inf for none).
/// With p = b + Wᵀ·x:
/// <code>
/// pass 1, per column block:  r⊙h = f(p_r + Rr·h)⊙h  into scratch[H..2H];  p_z + Rz·h  into scratch[0..H]
/// pass 2, per column block:  n = g(p_h + Rh·(r⊙h)),  h' = n + f(z_pre)⊙(h − n)
/// </code>
/// With linear_before_reset (PyTorch's GRU; <c>rbh</c> given, and <c>b</c>'s candidate part then Wbh alone), all three
/// recurrent products read the old h, so pass 1 does them all and pass 2 is elementwise:
/// <code>
/// pass 1:  r⊙(Rh·h + Rbh)  into scratch[H..2H];  p_z + Rz·h  into scratch[0..H]
/// pass 2:  n = g(p_h + scratch[H + j]),  h' = n + f(z_pre)⊙(h − n)
/// </code></summary>
/// <remarks>
/// This replaces the projection product over all steps before the loop (at edge sizes, e.g. 32 steps of 6
/// inputs, a badly shaped Sgemm call costing as much as 6 steps), two <see cref="GateMatVec"/> products and two
/// separate gate passes per step. The x·Wᵀ part of each accumulator does not depend on h, so the core
/// computes it while the previous step's tail is still in flight; the gates no longer round-trip through memory;
/// and the chain that bounds a step (Rr·h → sigmoid → Rh·(r⊙h) → tanh) is written
/// first in each pass, with the off-chain work (Rz·h, the z sigmoid) after it, where the out-of-order core overlaps
/// it with the activation latencies. Pass 2 may overwrite h column by column: it reads only r⊙h and its own
/// columns of h. Column blocks go two vectors at a time with k unrolled by 2 (4 FMA chains), a leftover vector with
/// k unrolled by 4, all at one width per call (the widest that divides hidden: at hidden 32 one Vector512 pair per
/// gate); leftover columns are scalar. Measured on the 32-step, hidden-32 benchmark GRU (Zen4): the whole model
/// went from 5.6 to 4.5 µs p50 with this cell, its time loop (<see cref="Sequence"/>) and the shorter gate polynomial.
/// The k-order of the sums and the activation polynomials differ from <see cref="Scalar"/>; results agree within float rounding.
/// </remarks>
public static class GruCell
{
    /// <summary>Floats of scratch a step needs: the z pre-activations and r⊙h.</summary>
    public static int ScratchFloats(int hidden) => 2 * hidden;

    /// <summary>The reference every vector path is tested against.</summary>
    /// <param name="rbh">Rbh for linear_before_reset; empty for the default form.</param>
    public static void Scalar(ReadOnlySpan<float> wt, ReadOnlySpan<float> x, ReadOnlySpan<float> b, ReadOnlySpan<float> rt, float clip, Span<float> h, Span<float> scratch,
        ReadOnlySpan<float> rbh = default)
    {
        int n = h.Length, ld = 3 * n;
        bool linear = !rbh.IsEmpty;
        var z = scratch.Slice(0, n);
        var rh = scratch.Slice(n, n);
        for (int j = 0; j < n; j++)
        {
            float az = Projection(wt, x, b, ld, j), ar = Projection(wt, x, b, ld, n + j), rec = linear ? rbh[j] : 0;
            for (int k = 0; k < n; k++)
            {
                az += h[k] * rt[k * ld + j];
                ar += h[k] * rt[k * ld + n + j];
                if (linear) rec += h[k] * rt[k * ld + 2 * n + j];
            }
            z[j] = Clip(az, clip);
            rh[j] = GateSigmoidTanh.Sigmoid(Clip(ar, clip)) * (linear ? rec : h[j]);
        }
        for (int j = 0; j < n; j++)
        {
            float an = Projection(wt, x, b, ld, 2 * n + j);
            if (linear) an += rh[j];
            else
                for (int k = 0; k < n; k++) an += rh[k] * rt[k * ld + 2 * n + j];
            float c = GateSigmoidTanh.Tanh(Clip(an, clip));
            h[j] = c + GateSigmoidTanh.Sigmoid(z[j]) * (h[j] - c);
        }
    }

    private static float Projection(ReadOnlySpan<float> wt, ReadOnlySpan<float> x, ReadOnlySpan<float> b, int ld, int j)
    {
        float sum = b[j];
        for (int k = 0; k < x.Length; k++) sum += x[k] * wt[k * ld + j];
        return sum;
    }

    /// <summary>One step: x is this step's input row.</summary>
    public static void Run(ReadOnlySpan<float> wt, ReadOnlySpan<float> x, ReadOnlySpan<float> b, ReadOnlySpan<float> rt, float clip, Span<float> h, Span<float> scratch,
        ReadOnlySpan<float> rbh = default)
        => Sequence(wt, x, x.Length, b, rt, clip, h, scratch, steps: 1, reverse: false, Span<float>.Empty, 0, rbh);

    /// <summary>A whole sequence of one batch entry: x holds <paramref name="steps"/> rows of <paramref name="input"/>
    /// floats, taken last to first when <paramref name="reverse"/>; after each step h is copied to row t of
    /// <paramref name="y"/> (rows <paramref name="yStride"/> floats apart) unless y is empty. One call instead of one per
    /// step keeps the width dispatch and the span checks out of the time loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sequence(ReadOnlySpan<float> wt, ReadOnlySpan<float> x, int input, ReadOnlySpan<float> b, ReadOnlySpan<float> rt, float clip,
        Span<float> h, Span<float> scratch, int steps, bool reverse, Span<float> y, int yStride, ReadOnlySpan<float> rbh = default)
    {
        int n = h.Length;
        if (n == 0 || steps <= 0) return;
        if (wt.Length < 3 * n * input || x.Length < steps * input || b.Length < 3 * n || rt.Length < 3 * n * n || scratch.Length < 2 * n
            || !y.IsEmpty && (yStride < n || y.Length < (steps - 1) * yStride + n) || !rbh.IsEmpty && rbh.Length < n)
            throw new ArgumentException("Wᵀ, x, bias, Rᵀ, scratch, y or Rbh shorter than the GRU steps need");
        var o = new Operands(ref MemoryMarshal.GetReference(wt), ref MemoryMarshal.GetReference(x), input, ref MemoryMarshal.GetReference(b),
            ref MemoryMarshal.GetReference(rt), clip, ref MemoryMarshal.GetReference(h), ref MemoryMarshal.GetReference(scratch), n,
            ref MemoryMarshal.GetReference(rbh));
        ref float ys = ref MemoryMarshal.GetReference(y);
        bool hasY = !y.IsEmpty;

        // One width (and one form) per call, so each method stays small enough for the JIT to keep the loops in
        // registers: the widest that divides hidden; when none does, the widest that fits, with scalar leftover columns.
        if (rbh.IsEmpty)
        {
            if (Vector512.IsHardwareAccelerated && (n % 16 == 0 || n % 4 != 0 && n >= 16)) Steps<Vector512<float>, F512, ResetFirst>(o, steps, reverse, hasY, ref ys, yStride);
            else if (Vector256.IsHardwareAccelerated && (n % 8 == 0 || n % 4 != 0 && n >= 8)) Steps<Vector256<float>, F256, ResetFirst>(o, steps, reverse, hasY, ref ys, yStride);
            else Steps<Vector128<float>, F128, ResetFirst>(o, steps, reverse, hasY, ref ys, yStride); // all scalar without Vector128
        }
        else if (Vector512.IsHardwareAccelerated && (n % 16 == 0 || n % 4 != 0 && n >= 16)) Steps<Vector512<float>, F512, LinearFirst>(o, steps, reverse, hasY, ref ys, yStride);
        else if (Vector256.IsHardwareAccelerated && (n % 8 == 0 || n % 4 != 0 && n >= 8)) Steps<Vector256<float>, F256, LinearFirst>(o, steps, reverse, hasY, ref ys, yStride);
        else Steps<Vector128<float>, F128, LinearFirst>(o, steps, reverse, hasY, ref ys, yStride);
    }

    /// <summary>Which form of the candidate a <see cref="Steps{TVec, TOps, TForm}"/> instantiation runs, known to the JIT.</summary>
    private interface ICandidateForm { static abstract bool LinearBeforeReset { get; } }
    /// <summary>n = g(Wh·x + Rh·(r⊙h) + Rbh + Wbh): linear_before_reset = 0 (ONNX's default).</summary>
    private readonly struct ResetFirst : ICandidateForm { public static bool LinearBeforeReset => false; }
    /// <summary>n = g(Wh·x + r⊙(Rh·h + Rbh) + Wbh): linear_before_reset = 1 (PyTorch's GRU).</summary>
    private readonly struct LinearFirst : ICandidateForm { public static bool LinearBeforeReset => true; }

    /// <summary>The refs and sizes of one sequence, handed to the width-specific loops in one argument.</summary>
    private readonly ref struct Operands(ref float wt, ref float x, int input, ref float b, ref float rt, float clip, ref float h, ref float scratch, int n, ref float rbh)
    {
        public readonly ref float Rbh = ref rbh;
        public readonly ref float Wt = ref wt;
        public readonly ref float X = ref x;
        public readonly int Input = input;
        public readonly ref float B = ref b;
        public readonly ref float Rt = ref rt;
        public readonly float Clip = clip;
        public readonly ref float H = ref h;
        public readonly ref float Scratch = ref scratch;
        public readonly int N = n;
    }

    /// <summary>The time loop at one width: per step, both passes over whole vectors of columns, then the leftover columns one by one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Steps<TVec, TOps, TForm>(scoped Operands o, int steps, bool reverse, bool hasY, ref float y, int yStride)
        where TVec : struct where TOps : IFloatVector<TVec> where TForm : struct, ICandidateForm
    {
        bool linear = TForm.LinearBeforeReset;
        ref float rbh = ref o.Rbh;
        int n = o.N, ld = 3 * n, input = o.Input;
        float clip = o.Clip;
        ref float wt = ref o.Wt;
        ref float b = ref o.B;
        ref float rt = ref o.Rt;
        ref float h = ref o.H;
        ref float z = ref o.Scratch;
        ref float rh = ref Unsafe.Add(ref o.Scratch, n);
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            ref float x = ref Unsafe.Add(ref o.X, t * input);
            if (TOps.IsHardwareAccelerated && n == 2 * TOps.Count)
            {
                OneBlock<TVec, TOps, TForm>(ref wt, ref x, input, ref b, ref rt, clip, ref h, ref rh, n, ref rbh);
                if (hasY) MemoryMarshal.CreateReadOnlySpan(ref h, n).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, t * yStride), n));
                continue;
            }
            int j = TOps.IsHardwareAccelerated ? Reset<TVec, TOps, TForm>(ref wt, ref x, input, ref b, ref rt, clip, ref h, ref z, ref rh, n, ref rbh) : 0;
            for (; j < n; j++)
            {
                float az = ScalarDot(ref Unsafe.Add(ref rt, j), ld, ref h, n, ScalarDot(ref Unsafe.Add(ref wt, j), ld, ref x, input, Unsafe.Add(ref b, j)));
                float ar = ScalarDot(ref Unsafe.Add(ref rt, n + j), ld, ref h, n, ScalarDot(ref Unsafe.Add(ref wt, n + j), ld, ref x, input, Unsafe.Add(ref b, n + j)));
                Unsafe.Add(ref z, j) = Clip(az, clip);
                Unsafe.Add(ref rh, j) = GateSigmoidTanh.Sigmoid(Clip(ar, clip)) *
                    (linear ? ScalarDot(ref Unsafe.Add(ref rt, 2 * n + j), ld, ref h, n, Unsafe.Add(ref rbh, j)) : Unsafe.Add(ref h, j));
            }
            j = TOps.IsHardwareAccelerated ? Update<TVec, TOps, TForm>(ref wt, ref x, input, ref b, ref rt, clip, ref h, ref z, ref rh, n) : 0;
            for (; j < n; j++)
            {
                int col = 2 * n + j;
                float pn = ScalarDot(ref Unsafe.Add(ref wt, col), ld, ref x, input, Unsafe.Add(ref b, col));
                float an = linear ? pn + Unsafe.Add(ref rh, j) : ScalarDot(ref Unsafe.Add(ref rt, col), ld, ref rh, n, pn);
                float c = GateSigmoidTanh.Tanh(Clip(an, clip));
                ref float hj = ref Unsafe.Add(ref h, j);
                hj = c + GateSigmoidTanh.Sigmoid(Unsafe.Add(ref z, j)) * (hj - c);
            }
            if (hasY) MemoryMarshal.CreateReadOnlySpan(ref h, n).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, t * yStride), n));
        }
    }

    /// <summary>A whole step when hidden is two vectors (one column block per gate, hidden 32 on AVX-512): the three
    /// projections x·Wᵀ + b first, so in program order they follow the previous step's candidate and the core runs them in
    /// its latency; the z pre-activations stay in registers. In the two passes the z and candidate projections came after
    /// the chain's first product, too late to fill that gap. Measured on the 32-step, hidden-32 benchmark GRU cell (Zen 4,
    /// alternating runs): 4.67–5.01 → 4.39–4.56 µs; the whole model 4.0–4.2 → 3.7–3.8 µs. (Computing the projections at
    /// the top of every step for any hidden, through scratch, was slower: 5.2 against 4.7 µs.)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OneBlock<TVec, TOps, TForm>(ref float wt, ref float x, int input, ref float b, ref float rt, float clip, ref float h, ref float rh, int n,
        ref float rbh)
        where TVec : struct where TOps : IFloatVector<TVec> where TForm : struct, ICandidateForm
    {
        nuint ld = (nuint)(3 * n), v = (nuint)TOps.Count, r = (nuint)n, c = (nuint)(2 * n);
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        bool clipped = !float.IsPositiveInfinity(clip);
        Dot2<TVec, TOps>(ref Unsafe.Add(ref wt, r), ld, ref x, input, TOps.Load(ref b, r), TOps.Load(ref b, r + v), out var pr0, out var pr1);
        Dot2<TVec, TOps>(ref wt, ld, ref x, input, TOps.Load(ref b, 0), TOps.Load(ref b, v), out var pz0, out var pz1);
        Dot2<TVec, TOps>(ref Unsafe.Add(ref wt, c), ld, ref x, input, TOps.Load(ref b, c), TOps.Load(ref b, c + v), out var pn0, out var pn1);
        Dot2<TVec, TOps>(ref Unsafe.Add(ref rt, r), ld, ref h, n, pr0, pr1, out var ar0, out var ar1);
        var r0 = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(ar0, lo, hi, clipped));
        var r1 = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(ar1, lo, hi, clipped));
        TVec an0, an1;
        if (TForm.LinearBeforeReset)
        {
            Dot2<TVec, TOps>(ref Unsafe.Add(ref rt, c), ld, ref h, n, TOps.Load(ref rbh, 0), TOps.Load(ref rbh, v), out var q0, out var q1);
            an0 = TOps.FusedMultiplyAdd(r0, q0, pn0);
            an1 = TOps.FusedMultiplyAdd(r1, q1, pn1);
        }
        else
        {
            TOps.Store(TOps.Multiply(r0, TOps.Load(ref h, 0)), ref rh, 0);
            TOps.Store(TOps.Multiply(r1, TOps.Load(ref h, v)), ref rh, v);
            an0 = an1 = default;
        }
        Dot2<TVec, TOps>(ref rt, ld, ref h, n, pz0, pz1, out var az0, out var az1);
        var z0 = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(az0, lo, hi, clipped));
        var z1 = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(az1, lo, hi, clipped));
        if (!TForm.LinearBeforeReset) Dot2<TVec, TOps>(ref Unsafe.Add(ref rt, c), ld, ref rh, n, pn0, pn1, out an0, out an1);
        var c0 = GateSigmoidTanh.Tanh<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(an0, lo, hi, clipped));
        var c1 = GateSigmoidTanh.Tanh<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(an1, lo, hi, clipped));
        TOps.Store(TOps.FusedMultiplyAdd(z0, TOps.Subtract(TOps.Load(ref h, 0), c0), c0), ref h, 0);
        TOps.Store(TOps.FusedMultiplyAdd(z1, TOps.Subtract(TOps.Load(ref h, v), c1), c1), ref h, v);
    }

    /// <summary>Pass 1 at one width: r⊙h and the clipped z pre-activations for whole vectors of columns; returns the first column left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Reset<TVec, TOps, TForm>(ref float wt, ref float x, int input, ref float b, ref float rt, float clip, ref float h, ref float z, ref float rh, int n,
        ref float rbh)
        where TVec : struct where TOps : IFloatVector<TVec> where TForm : struct, ICandidateForm
    {
        int V = TOps.Count, j = 0;
        nuint ld = (nuint)(3 * n), v = (nuint)V;
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        bool clipped = !float.IsPositiveInfinity(clip);
        for (; j <= n - 2 * V; j += 2 * V)
        {
            nuint u = (nuint)j, r = (nuint)(n + j);
            Dot2<TVec, TOps>(ref Unsafe.Add(ref wt, r), ld, ref x, input, TOps.Load(ref b, r), TOps.Load(ref b, r + v), out var pr0, out var pr1);
            Dot2<TVec, TOps>(ref Unsafe.Add(ref rt, r), ld, ref h, n, pr0, pr1, out var ar0, out var ar1);
            var r0 = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(ar0, lo, hi, clipped));
            var r1 = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(ar1, lo, hi, clipped));
            if (TForm.LinearBeforeReset)
            {
                nuint c = (nuint)(2 * n + j);
                Dot2<TVec, TOps>(ref Unsafe.Add(ref rt, c), ld, ref h, n, TOps.Load(ref rbh, u), TOps.Load(ref rbh, u + v), out var an0, out var an1);
                TOps.Store(TOps.Multiply(r0, an0), ref rh, u);
                TOps.Store(TOps.Multiply(r1, an1), ref rh, u + v);
            }
            else
            {
                TOps.Store(TOps.Multiply(r0, TOps.Load(ref h, u)), ref rh, u);
                TOps.Store(TOps.Multiply(r1, TOps.Load(ref h, u + v)), ref rh, u + v);
            }
            Dot2<TVec, TOps>(ref Unsafe.Add(ref wt, u), ld, ref x, input, TOps.Load(ref b, u), TOps.Load(ref b, u + v), out var pz0, out var pz1);
            Dot2<TVec, TOps>(ref Unsafe.Add(ref rt, u), ld, ref h, n, pz0, pz1, out var az0, out var az1);
            TOps.Store(GateSigmoidTanh.Clip<TVec, TOps>(az0, lo, hi, clipped), ref z, u);
            TOps.Store(GateSigmoidTanh.Clip<TVec, TOps>(az1, lo, hi, clipped), ref z, u + v);
        }
        for (; j <= n - V; j += V)
        {
            nuint u = (nuint)j, r = (nuint)(n + j);
            var ar = Dot1<TVec, TOps>(ref Unsafe.Add(ref rt, r), ld, ref h, n, Dot1<TVec, TOps>(ref Unsafe.Add(ref wt, r), ld, ref x, input, TOps.Load(ref b, r)));
            var other = TForm.LinearBeforeReset
                ? Dot1<TVec, TOps>(ref Unsafe.Add(ref rt, (nuint)(2 * n + j)), ld, ref h, n, TOps.Load(ref rbh, u))
                : TOps.Load(ref h, u);
            TOps.Store(TOps.Multiply(GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(ar, lo, hi, clipped)), other), ref rh, u);
            var az = Dot1<TVec, TOps>(ref Unsafe.Add(ref rt, u), ld, ref h, n, Dot1<TVec, TOps>(ref Unsafe.Add(ref wt, u), ld, ref x, input, TOps.Load(ref b, u)));
            TOps.Store(GateSigmoidTanh.Clip<TVec, TOps>(az, lo, hi, clipped), ref z, u);
        }
        return j;
    }

    /// <summary>Pass 2 at one width: the candidate and the blend into h for whole vectors of columns; returns the first column left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Update<TVec, TOps, TForm>(ref float wt, ref float x, int input, ref float b, ref float rt, float clip, ref float h, ref float z, ref float rh, int n)
        where TVec : struct where TOps : IFloatVector<TVec> where TForm : struct, ICandidateForm
    {
        int V = TOps.Count, j = 0;
        nuint ld = (nuint)(3 * n), v = (nuint)V;
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        bool clipped = !float.IsPositiveInfinity(clip);
        for (; j <= n - 2 * V; j += 2 * V)
        {
            nuint u = (nuint)j, c = (nuint)(2 * n + j);
            Dot2<TVec, TOps>(ref Unsafe.Add(ref wt, c), ld, ref x, input, TOps.Load(ref b, c), TOps.Load(ref b, c + v), out var pn0, out var pn1);
            var z0 = GateSigmoidTanh.Sigmoid<TVec, TOps>(TOps.Load(ref z, u));
            var z1 = GateSigmoidTanh.Sigmoid<TVec, TOps>(TOps.Load(ref z, u + v));
            TVec an0, an1;
            if (TForm.LinearBeforeReset) { an0 = TOps.Add(pn0, TOps.Load(ref rh, u)); an1 = TOps.Add(pn1, TOps.Load(ref rh, u + v)); }
            else Dot2<TVec, TOps>(ref Unsafe.Add(ref rt, c), ld, ref rh, n, pn0, pn1, out an0, out an1);
            var c0 = GateSigmoidTanh.Tanh<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(an0, lo, hi, clipped));
            var c1 = GateSigmoidTanh.Tanh<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(an1, lo, hi, clipped));
            TOps.Store(TOps.FusedMultiplyAdd(z0, TOps.Subtract(TOps.Load(ref h, u), c0), c0), ref h, u);
            TOps.Store(TOps.FusedMultiplyAdd(z1, TOps.Subtract(TOps.Load(ref h, u + v), c1), c1), ref h, u + v);
        }
        for (; j <= n - V; j += V)
        {
            nuint u = (nuint)j, c = (nuint)(2 * n + j);
            var zg = GateSigmoidTanh.Sigmoid<TVec, TOps>(TOps.Load(ref z, u));
            var pn = Dot1<TVec, TOps>(ref Unsafe.Add(ref wt, c), ld, ref x, input, TOps.Load(ref b, c));
            var an = TForm.LinearBeforeReset ? TOps.Add(pn, TOps.Load(ref rh, u)) : Dot1<TVec, TOps>(ref Unsafe.Add(ref rt, c), ld, ref rh, n, pn);
            var cand = GateSigmoidTanh.Tanh<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(an, lo, hi, clipped));
            TOps.Store(TOps.FusedMultiplyAdd(zg, TOps.Subtract(TOps.Load(ref h, u), cand), cand), ref h, u);
        }
        return j;
    }

    /// <summary>Two vectors of columns of s + x·w (w rows <paramref name="ld"/> apart, s0 and s1 the starting sums),
    /// k unrolled by 2: 4 FMA chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot2<TVec, TOps>(ref float w, nuint ld, ref float x, int k, TVec s0, TVec s1, out TVec y0, out TVec y1)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        nuint v = (nuint)TOps.Count;
        TVec a0 = s0, a1 = s1, b0 = TOps.Zero, b1 = TOps.Zero;
        int i = 0;
        nuint row = 0;
        for (; i <= k - 2; i += 2, row += 2 * ld)
        {
            var x0 = TOps.Create(Unsafe.Add(ref x, i));
            var x1 = TOps.Create(Unsafe.Add(ref x, i + 1));
            a0 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref w, row), a0);
            a1 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref w, row + v), a1);
            b0 = TOps.FusedMultiplyAdd(x1, TOps.Load(ref w, row + ld), b0);
            b1 = TOps.FusedMultiplyAdd(x1, TOps.Load(ref w, row + ld + v), b1);
        }
        if (i < k)
        {
            var x0 = TOps.Create(Unsafe.Add(ref x, i));
            a0 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref w, row), a0);
            a1 = TOps.FusedMultiplyAdd(x0, TOps.Load(ref w, row + v), a1);
        }
        y0 = TOps.Add(a0, b0);
        y1 = TOps.Add(a1, b1);
    }

    /// <summary>One vector of columns of s + x·w, k unrolled by 4: 4 FMA chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Dot1<TVec, TOps>(ref float w, nuint ld, ref float x, int k, TVec s)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        TVec a0 = s, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero;
        int i = 0;
        nuint row = 0;
        for (; i <= k - 4; i += 4, row += 4 * ld)
        {
            a0 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i)), TOps.Load(ref w, row), a0);
            a1 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i + 1)), TOps.Load(ref w, row + ld), a1);
            a2 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i + 2)), TOps.Load(ref w, row + 2 * ld), a2);
            a3 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i + 3)), TOps.Load(ref w, row + 3 * ld), a3);
        }
        for (; i < k; i++, row += ld) a0 = TOps.FusedMultiplyAdd(TOps.Create(Unsafe.Add(ref x, i)), TOps.Load(ref w, row), a0);
        return TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3));
    }

    /// <summary>s + x·w for one column.</summary>
    private static float ScalarDot(ref float w, int ld, ref float x, int k, float s)
    {
        for (int i = 0; i < k; i++) s = MathF.FusedMultiplyAdd(Unsafe.Add(ref x, i), Unsafe.Add(ref w, i * ld), s);
        return s;
    }

    private static float Clip(float x, float clip) => Math.Min(Math.Max(x, -clip), clip);
}
