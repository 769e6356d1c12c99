using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Recurrent;

public static partial class Int8GruCell
{
    /// <summary>The reference <c>Sequence</c> is tested against: the same definition as plain scalar loops, the
    /// weights read one by one through <see cref="Int8Gemv.PackedIndex"/>, the gates with MathF's exp and tanh.
    /// Allocates (it is for tests).</summary>
    public static void Reference(scoped in Int8GruWeights weights, ReadOnlySpan<float> x, int xStride, float clip, Span<float> h, int steps, bool reverse,
        Span<float> y, int yStride)
    {
        int n = weights.Hidden, input = weights.Input, hp = PaddedHidden(n);
        bool linear = weights.LinearBeforeReset;
        var p = new float[steps * 3 * n];
        var q = new sbyte[Math.Max(input, n)];
        for (int t = 0; t < steps; t++)
        {
            float sx = Int8SymmetricQuantize.Scalar(x.Slice(t * xStride, input), q);
            for (int row = 0; row < 3 * n; row++)
            {
                int acc = Dot(weights.W, PackedRow(row, n, hp), PaddedDepth(input), q, input);
                p[t * 3 * n + row] = acc * (sx * weights.WScales[row]) + weights.Bias[row];
            }
        }
        var z = new float[n];
        var rh = new float[n];
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            int at = t * 3 * n;
            float sh = Int8SymmetricQuantize.Scalar(h, q, out float hInverse);
            var hq = q.AsSpan(0, n).ToArray();
            for (int j = 0; j < n; j++)
            {
                float az = Dot(weights.R, PackedRow(j, n, hp), PaddedDepth(n), hq, n) * (sh * weights.RScales[j]) + p[at + j];
                float ar = Dot(weights.R, PackedRow(n + j, n, hp), PaddedDepth(n), hq, n) * (sh * weights.RScales[n + j]) + p[at + n + j];
                float other = linear
                    ? Dot(weights.R, PackedRow(2 * n + j, n, hp), PaddedDepth(n), hq, n) * (sh * weights.RScales[2 * n + j]) + weights.Rbh[j]
                    : h[j];
                z[j] = Clip(az, clip);
                rh[j] = GateSigmoidTanh.Sigmoid(Clip(ar, clip)) * other;
            }
            if (!linear) Int8SymmetricQuantize.ApplyScalar(rh, q, hInverse); // on h's scale: |r⊙h| ≤ max|h|
            for (int j = 0; j < n; j++)
            {
                float an = linear
                    ? p[at + 2 * n + j] + rh[j]
                    : Dot(weights.R, PackedRow(2 * n + j, n, hp), PaddedDepth(n), q, n) * (sh * weights.RScales[2 * n + j]) + p[at + 2 * n + j];
                float c = GateSigmoidTanh.Tanh(Clip(an, clip));
                h[j] = c + GateSigmoidTanh.Sigmoid(z[j]) * (h[j] - c);
            }
            if (!y.IsEmpty) h.CopyTo(y.Slice(t * yStride, n));
        }
    }

    /// <summary>Row g·hidden + j of the ONNX weight in the packed (gate-padded) matrix.</summary>
    private static int PackedRow(int row, int hidden, int hp) => row / hidden * hp + row % hidden;

    private static int Dot(ReadOnlySpan<sbyte> packed, int row, int depth, ReadOnlySpan<sbyte> v, int k)
    {
        int sum = 0;
        for (int c = 0; c < k; c++) sum += v[c] * packed[Int8Gemv.PackedIndex(row, c, depth)];
        return sum;
    }
}
