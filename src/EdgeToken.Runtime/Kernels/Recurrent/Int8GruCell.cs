using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>A GRU sequence with int8 weights (<see cref="Int8GruWeights"/>) and the default gate functions (f = sigmoid,
/// g = tanh), either form of the candidate. Activations are quantized dynamically and symmetrically
/// (<see cref="Int8SymmetricQuantize"/>: one scale per vector, max|v| / 127), the products are int32 (<see cref="Int8Gemv.PackedProducts"/>)
/// and dequantized with s_v · s_w[row]; the gate math is float:
/// <code>
/// per step:                   p = b + s_x·s_W ⊙ (q(x)·Wᵀ)                                  (does not depend on h)
///                             a = s_h·s_R ⊙ (q(h)·Rᵀ)  for z and r (and h, linear_before_reset)
///                             z_pre = clip(p_z + a_z),  r = f(clip(p_r + a_r))
///   default form:             r⊙h quantized again, on h's scale:  n = g(clip(p_h + s_h·s_Rh ⊙ (q_h(r⊙h)·Rhᵀ)))
///   linear_before_reset:      n = g(clip(p_h + r⊙(a_h + Rbh)))
///                             h' = n + f(z_pre)⊙(h − n)
/// </code>
/// Every dequantization is <c>(float)acc · (s_v · s_w[row]) + add</c>, never fused, in the reference and in every vector
/// loop alike.</summary>
/// <remarks>
/// <para>Why r⊙h takes h's scale instead of its own max: 0 &lt; r &lt; 1, so |r⊙h| ≤ max|h| and nothing clips, and the
/// second max reduction and division left the chain that bounds a step (Rr·h → r → Rh·(r⊙h) → n → h'): on the benchmark
/// GRU (32 steps, hidden 32, Zen 4) 7.4 → 6.5 µs. It costs r⊙h the levels r leaves unused (r ≈ 0.5: about one bit on
/// that product).</para>
/// <para>The int32 sums are the same on every <see cref="Int8Path"/>, and the quantization and the float gate code are
/// shared by all paths, so a whole sequence gives bit-identical results on every path (tests compare them with ==).
/// <see cref="Reference"/>, which is plain scalar code with MathF's exp and tanh, differs from them only by the gate
/// functions' float rounding; when that rounding moves a value of h across a quantization boundary, the next step's
/// q(h) differs by one level, so sequences agree within a small tolerance, single steps within float rounding.</para>
/// <para>Why the rows of a gate are padded to a multiple of 8: <see cref="Int8Gemv"/>'s packed layout interleaves 8 rows
/// four k values at a time (one vpmaddwd, or two sdot, yields 8 rows' partial sums side by side, no per-row reduction),
/// and padding each gate (rather than the 3·hidden rows as a whole) keeps every gate's block boundaries aligned, so the
/// default form's Rh product is a contiguous slice of R. Zeros in the padding contribute nothing.</para>
/// </remarks>
public static partial class Int8GruCell
{
    /// <summary>Rows of one gate in the packed weights: hidden rounded up to a multiple of <see cref="Int8Gemv.PackRows"/>.</summary>
    public static int PaddedHidden(int hidden) => (hidden + Int8Gemv.PackRows - 1) / Int8Gemv.PackRows * Int8Gemv.PackRows;

    /// <summary>The packed depth of a weight whose rows have <paramref name="k"/> values: k rounded up to a multiple of <see cref="Int8Gemv.PackDepth"/>.</summary>
    public static int PaddedDepth(int k) => (k + Int8Gemv.PackDepth - 1) / Int8Gemv.PackDepth * Int8Gemv.PackDepth;

    /// <summary>Bytes of one direction's packed W (<paramref name="k"/> = input) or R (<paramref name="k"/> = hidden).</summary>
    public static int PackedBytes(int hidden, int k) => 3 * PaddedHidden(hidden) * PaddedDepth(k);

    /// <summary>Packs one direction's W or R, rows [3·hidden, k] row-major (ONNX's order, gates z, r, h), into the layout
    /// <c>Sequence</c> reads: row g·hidden + j goes to row g·<see cref="PaddedHidden"/> + j of a
    /// [3·PaddedHidden, PaddedDepth(k)] matrix, zero-padded, then into <see cref="Int8Gemv.PackedIndex"/>'s order.</summary>
    public static void Pack(ReadOnlySpan<sbyte> rows, int hidden, int k, Span<sbyte> packed)
    {
        int hp = PaddedHidden(hidden), kp = PaddedDepth(k);
        if (rows.Length < 3 * hidden * k || packed.Length < PackedBytes(hidden, k)) throw new ArgumentException($"GRU weight [{3 * hidden}, {k}] or its packed form too short");
        packed.Slice(0, PackedBytes(hidden, k)).Clear();
        for (int g = 0; g < 3; g++)
            for (int j = 0; j < hidden; j++)
                for (int c = 0; c < k; c++) packed[Int8Gemv.PackedIndex(g * hp + j, c, kp)] = rows[(g * hidden + j) * k + c];
    }

    /// <summary>The inverse of <see cref="Pack"/>: rows [3·hidden, k] (for the QDQ export, which writes ONNX's layout).</summary>
    public static void Unpack(ReadOnlySpan<sbyte> packed, int hidden, int k, Span<sbyte> rows)
    {
        int hp = PaddedHidden(hidden), kp = PaddedDepth(k);
        if (rows.Length < 3 * hidden * k || packed.Length < PackedBytes(hidden, k)) throw new ArgumentException($"GRU weight [{3 * hidden}, {k}] or its packed form too short");
        for (int g = 0; g < 3; g++)
            for (int j = 0; j < hidden; j++)
                for (int c = 0; c < k; c++) rows[(g * hidden + j) * k + c] = packed[Int8Gemv.PackedIndex(g * hp + j, c, kp)];
    }

    /// <summary>Scratch bytes <c>Sequence</c> needs (whatever the number of steps: x is projected step by step).</summary>
    public static int ScratchBytes(int input, int hidden) => new Layout(input, hidden).Bytes;

    /// <summary>Where each buffer sits in the scratch, each on a 64-byte boundary from its start.</summary>
    private readonly struct Layout
    {
        public Layout(int input, int hidden)
        {
            int hp = PaddedHidden(hidden);
            Projection = 0;
            Gates = Projection + Line(3 * hidden * sizeof(float));
            ResetHidden = Gates + Line(3 * hidden * sizeof(float));
            Sums = ResetHidden + Line(hidden * sizeof(float));
            Quantized = Sums + Line(3 * hp * sizeof(int));
            // As bytes (the generic and ARM64 loops) or as the int16 x, h and r⊙h the x86 loops broadcast.
            RowSums = Quantized + Line(2 * (PaddedDepth(input) + 2 * PaddedDepth(hidden)));
            Expanded = RowSums + Line(2 * 3 * hp * sizeof(int));
            Bytes = Expanded + Line(ExpandedBytes(PaddedDepth(input)) + 2 * ExpandedBytes(PaddedDepth(hidden)));
        }

        /// <summary>The u8 products' (Int8GruCell.U8.cs) row sums of W then R, [3·PaddedHidden] each.</summary>
        public int RowSums { get; }
        /// <summary>The u8 products' x, h and r⊙h as broadcast-ready quad pairs (<see cref="ExpandedBytes"/> each).</summary>
        public int Expanded { get; }

        /// <summary>64 bytes per pair of quads of a vector of depth <paramref name="k"/> (a last odd quad takes a whole 64).</summary>
        public static int ExpandedBytes(int k) => (k / 4 + 1) / 2 * 64;

        /// <summary>p of one step, [3·hidden].</summary>
        public int Projection { get; }
        /// <summary>The pre-activations of one step, [3·hidden].</summary>
        public int Gates { get; }
        /// <summary>r⊙h (default form) or r⊙(Rh·h + Rbh), [hidden].</summary>
        public int ResetHidden { get; }
        /// <summary>The int32 sums of one product, [3·PaddedHidden].</summary>
        public int Sums { get; }
        /// <summary>The quantized vector of one product (x, h or r⊙h), PaddedDepth bytes; or x, h and r⊙h as int16.</summary>
        public int Quantized { get; }
        public int Bytes { get; }

        private static int Line(int bytes) => (bytes + 63) & ~63;
    }

    /// <summary>One batch entry's sequence on the best path of this machine.</summary>
    public static void Sequence(scoped in Int8GruWeights weights, ReadOnlySpan<float> x, int xStride, float clip, Span<float> h, int steps, bool reverse,
        Span<float> y, int yStride, Span<byte> scratch) =>
        Sequence(Int8Paths.Best, weights, x, xStride, clip, h, steps, reverse, y, yStride, scratch);

    /// <summary>One batch entry's sequence on <paramref name="path"/>: row t of x (input floats) at t·<paramref name="xStride"/>,
    /// taken last to first when <paramref name="reverse"/>; h holds the initial state and ends as the last one; after each step
    /// h is copied to row t of <paramref name="y"/> (at t·<paramref name="yStride"/>) unless y is empty. Clip bounds every
    /// pre-activation (+inf for none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sequence(Int8Path path, scoped in Int8GruWeights weights, ReadOnlySpan<float> x, int xStride, float clip, Span<float> h, int steps, bool reverse,
        Span<float> y, int yStride, Span<byte> scratch)
    {
        int n = weights.Hidden, input = weights.Input, hp = PaddedHidden(n), kx = PaddedDepth(input), kh = PaddedDepth(n);
        if (steps <= 0) return;
        var layout = new Layout(input, n);
        if (h.Length != n || x.Length < (steps - 1) * xStride + input || scratch.Length < layout.Bytes
            || !y.IsEmpty && (yStride < n || y.Length < (steps - 1) * yStride + n))
            throw new ArgumentException($"int8 GRU of {steps} steps, input {input}, hidden {n}: h, x, y or the scratch ({scratch.Length} of {layout.Bytes} bytes) does not fit");
        if (FusedAvx512BW(path, n))
        {
            StepsAvx512BW(weights, x, xStride, clip, h, steps, reverse, y, yStride, scratch, layout);
            return;
        }
        if (FusedAdvSimd(path, n))
        {
            StepsAdvSimd(weights, x, xStride, clip, h, steps, reverse, y, yStride, scratch, layout);
            return;
        }
        if (FusedAvx2(path, n))
        {
            StepsAvx2(weights, x, xStride, clip, h, steps, reverse, y, yStride, scratch, layout);
            return;
        }
        var p = MemoryMarshal.Cast<byte, float>(scratch.Slice(layout.Projection, 3 * n * sizeof(float)));
        var gates = MemoryMarshal.Cast<byte, float>(scratch.Slice(layout.Gates, 3 * n * sizeof(float)));
        var resetHidden = MemoryMarshal.Cast<byte, float>(scratch.Slice(layout.ResetHidden, n * sizeof(float)));
        var sums = MemoryMarshal.Cast<byte, int>(scratch.Slice(layout.Sums, 3 * hp * sizeof(int)));
        var q = MemoryMarshal.Cast<byte, sbyte>(scratch.Slice(layout.Quantized, Math.Max(kx, kh)));
        // Bytes past a vector's length meet zero weights; cleared once so the products never read uninitialised scratch.
        q.Clear();
        var ws = weights.WScales;
        var rs = weights.RScales;
        bool linear = weights.LinearBeforeReset;

        var rzr = weights.R.Slice(0, (linear ? 3 : 2) * hp * kh);
        var rh = weights.R.Slice(2 * hp * kh, hp * kh);
        var zPre = gates.Slice(0, n);
        var rPre = gates.Slice(n, n);
        var nPre = gates.Slice(2 * n, n);
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            // The input projection first: it does not depend on h, so the core overlaps it with the previous step's tail.
            float sx = Int8SymmetricQuantize.Run(x.Slice(t * xStride, input), q);
            Int8Gemv.PackedProducts(path, q.Slice(0, kx), weights.W, sums);
            for (int g = 0; g < 3; g++)
                Dequantize(sums.Slice(g * hp, n), sx, ws.Slice(g * n, n), weights.Bias.Slice(g * n, n), p.Slice(g * n, n));
            float sh = Int8SymmetricQuantize.Run(h, q, out float hInverse);
            Int8Gemv.PackedProducts(path, q.Slice(0, kh), rzr, sums.Slice(0, (linear ? 3 : 2) * hp));
            Dequantize(sums.Slice(0, n), sh, rs.Slice(0, n), p.Slice(0, n), zPre);
            Dequantize(sums.Slice(hp, n), sh, rs.Slice(n, n), p.Slice(n, n), rPre);
            if (linear)
            {
                Dequantize(sums.Slice(2 * hp, n), sh, rs.Slice(2 * n, n), weights.Rbh, nPre);
                ResetGate(zPre, rPre, nPre, resetHidden, clip);
                TensorPrimitives.Add(p.Slice(2 * n, n), resetHidden, nPre);
            }
            else
            {
                ResetGate(zPre, rPre, h, resetHidden, clip);
                Int8SymmetricQuantize.Apply(resetHidden, q, hInverse);
                Int8Gemv.PackedProducts(path, q.Slice(0, kh), rh, sums.Slice(2 * hp, hp));
                Dequantize(sums.Slice(2 * hp, n), sh, rs.Slice(2 * n, n), p.Slice(2 * n, n), nPre);
            }
            Update(zPre, nPre, h, clip);
            if (!y.IsEmpty) h.CopyTo(y.Slice(t * yStride, n));
        }
    }

    private static float Clip(float x, float clip) => Math.Min(Math.Max(x, -clip), clip);
}
