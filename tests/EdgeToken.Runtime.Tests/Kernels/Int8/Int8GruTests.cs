using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Recurrent;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

/// <summary>The int8 GRU (<see cref="Int8GruCell"/>, <c>EdgeToken.QGru</c>) and the pieces it is made of: the dynamic symmetric
/// quantization and the packed products are the scalar reference bit for bit on every path; whole sequences are bit-identical
/// across paths (they share the quantization and the float gate code) and agree with the plain scalar reference within the
/// gate functions' float rounding.</summary>
public class Int8GruTests
{
    /// <summary>One direction's random int8 GRU: W [3h, input] and R [3h, h] rows as ONNX orders them, packed; scales of
    /// the size a real layer gets (max|w| / 127 for |w| up to ~0.6), bias, and Rbh for linear_before_reset.</summary>
    internal sealed record Layer(int Input, int Hidden, bool Linear, sbyte[] WRows, sbyte[] RRows, sbyte[] W, sbyte[] R, float[] WScales, float[] RScales,
        float[] Bias, float[] Rbh)
    {
        public Int8GruWeights Weights => new(W, WScales, R, RScales, Bias, Rbh, Input, Hidden);

        /// <param name="weightBits">8: [-127, 127]; 7: [-64, 64], which the AVX-512BW loop multiplies as u8 x s8 (Int8GruCell.U8.cs).</param>
        public static Layer Random(int input, int hidden, bool linear, int seed, int weightBits = 8)
        {
            var rng = new Random(seed);
            int limit = weightBits == 7 ? 64 : 127;
            sbyte[] Rows(int k)
            {
                var v = new sbyte[3 * hidden * k];
                for (int i = 0; i < v.Length; i++) v[i] = (sbyte)rng.Next(-limit, limit + 1);
                if (weightBits == 7) for (int i = 0; i < v.Length; i += 97) v[i] = (sbyte)(i % 2 == 0 ? limit : -limit); // the extremes
                return v;
            }
            float[] Floats(int n, double lo, double hi) => Enumerable.Range(0, n).Select(_ => (float)(lo + rng.NextDouble() * (hi - lo))).ToArray();
            var wRows = Rows(input);
            var rRows = Rows(hidden);
            var w = new sbyte[Int8GruCell.PackedBytes(hidden, input)];
            var r = new sbyte[Int8GruCell.PackedBytes(hidden, hidden)];
            Int8GruCell.Pack(wRows, hidden, input, w);
            Int8GruCell.Pack(rRows, hidden, hidden, r);
            return new Layer(input, hidden, linear, wRows, rRows, w, r, Floats(3 * hidden, 0.001, 0.005), Floats(3 * hidden, 0.0005, 0.004),
                Floats(3 * hidden, -0.3, 0.3), linear ? Floats(hidden, -0.2, 0.2) : []);
        }
    }

    private static float[] Inputs(int steps, int input, int seed) => KernelAssert.Random(steps * input, seed, 2f);

    [Fact]
    public void Symmetric_quantization_is_the_scalar_reference_for_every_length()
    {
        var rng = new Random(3);
        for (int length = 0; length <= 80; length++)
            for (int trial = 0; trial < 4; trial++)
            {
                var v = trial switch
                {
                    0 => new float[length], // all zero: scale 0, q 0
                    // Exact halves of a step, where a rounding other than to-even would show.
                    1 => Enumerable.Range(0, length).Select(i => (i % 5 - 2) * 0.5f * (2f / 127f)).Append(2f).Take(length).ToArray(),
                    _ => Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-3, 3)))).ToArray(),
                };
                var expected = new sbyte[length];
                var actual = new sbyte[length];
                float se = Int8SymmetricQuantize.Scalar(v, expected);
                float sa = Int8SymmetricQuantize.Run(v, actual);
                Assert.Equal(se, sa);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {length}, trial {trial}");
                if (length > 0 && trial > 0) Assert.Equal(127, expected.Max(q => Math.Abs((int)q)));
                // With a given factor (r⊙h on h's scale), including one that would overflow without the clamp.
                float inverse = trial == 3 ? 300f : 127f / 2.5f;
                Int8SymmetricQuantize.ApplyScalar(v, expected, inverse);
                Int8SymmetricQuantize.Apply(v, actual, inverse);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"apply: length {length}, trial {trial}");
            }
    }

    [Fact]
    public void Packed_products_are_the_scalar_reference_on_every_path()
    {
        var rng = new Random(5);
        foreach (int n in new[] { 8, 16, 24, 48, 96, 104 })
            for (int k = 4; k <= 72; k += 4)
            {
                var x = new sbyte[k];
                var w = new sbyte[n * k];
                for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
                for (int i = 0; i < w.Length; i++) w[i] = (sbyte)rng.Next(-128, 128);
                if (k % 8 == 0) { Array.Fill(x, (sbyte)-128); Array.Fill(w, (sbyte)-128, 0, k); }
                var packed = new sbyte[n * k];
                Int8Gemv.Pack(w, packed, n, k);
                var expected = new int[n];
                for (int o = 0; o < n; o++)
                    for (int c = 0; c < k; c++) expected[o] += x[c] * w[o * k + c];
                foreach (var path in Int8Paths.Supported())
                {
                    var actual = new int[n];
                    Int8Gemv.PackedProducts(path, x, packed, actual);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"path {path}, n {n}, k {k}");
                }
            }
    }

    [Fact]
    public void Pack_and_unpack_are_inverses_with_zero_padding()
    {
        foreach (int hidden in new[] { 1, 5, 8, 13 })
            foreach (int k in new[] { 1, 3, 4, 7 })
            {
                var layer = Layer.Random(k, hidden, false, hidden * 10 + k);
                var back = new sbyte[3 * hidden * k];
                Int8GruCell.Unpack(layer.W, hidden, k, back);
                Assert.Equal(layer.WRows, back);
                long sumPacked = layer.W.Sum(v => (long)Math.Abs(v)), sumRows = layer.WRows.Sum(v => (long)Math.Abs(v));
                Assert.Equal(sumRows, sumPacked); // the padding holds zeros only
            }
    }

    public static TheoryData<int, int, bool> Sizes()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (int hidden in new[] { 1, 3, 5, 8, 13, 16, 20, 24, 32, 33, 48 })
            foreach (bool linear in new[] { false, true })
                data.Add(hidden, 1 + hidden % 7, linear);
        data.Add(32, 6, false); // the benchmark GRU
        data.Add(32, 6, true);
        data.Add(32, 16, false); // inputs a multiple of 16: x quantized 16 at a time on AVX-512BW
        data.Add(64, 32, true);
        return data;
    }

    /// <summary><see cref="Sizes"/> with 8-bit weights, and hidden sizes of the AVX-512BW loop (multiples of 16) with 7-bit
    /// weights, whose products go through vpmaddubsw: even and odd quad counts of x (inputs 32, 4 and 12), both forms.</summary>
    public static TheoryData<int, int, bool, int> SizesAndBits()
    {
        var data = new TheoryData<int, int, bool, int>();
        foreach (var row in Sizes()) data.Add((int)row[0], (int)row[1], (bool)row[2], 8);
        foreach (var (hidden, input) in new[] { (16, 4), (32, 12), (48, 32), (128, 32) })
            foreach (bool linear in new[] { false, true })
                data.Add(hidden, input, linear, 7);
        return data;
    }

    [Theory]
    [MemberData(nameof(SizesAndBits))]
    public void Sequences_are_bit_identical_on_every_path(int hidden, int input, bool linear, int weightBits)
    {
        var layer = Layer.Random(input, hidden, linear, hidden * 31 + input, weightBits);
        int steps = 9;
        foreach (bool reverse in new[] { false, true })
            foreach (float clip in new[] { float.PositiveInfinity, 0.7f })
            {
                var x = Inputs(steps, input, hidden + (reverse ? 1 : 0));
                float[] hExpected = KernelAssert.Random(hidden, 4, 0.9f), yExpected = new float[steps * hidden];
                Int8GruCell.Sequence(Int8Path.Scalar, layer.Weights, x, input, clip, hExpected, steps, reverse, yExpected, hidden,
                    new byte[Int8GruCell.ScratchBytes(input, hidden)]);
                foreach (var path in Int8Paths.Supported())
                {
                    float[] h = KernelAssert.Random(hidden, 4, 0.9f), y = new float[steps * hidden];
                    var scratch = new byte[Int8GruCell.ScratchBytes(input, hidden)];
                    scratch.AsSpan().Fill(0x7F);
                    Int8GruCell.Sequence(path, layer.Weights, x, input, clip, h, steps, reverse, y, hidden, scratch);
                    Assert.True(yExpected.AsSpan().SequenceEqual(y) && hExpected.AsSpan().SequenceEqual(h),
                        $"path {path}, hidden {hidden}, input {input}, linear {linear}, reverse {reverse}, clip {clip}");
                }
            }
    }

    [Theory]
    [InlineData(16, 4, false)]
    [InlineData(48, 12, true)]
    [InlineData(13, 5, false)]
    public void Build_time_row_sums_are_each_rows_sum_of_7_bit_weights_and_give_the_same_sequences(int hidden, int input, bool linear)
    {
        Assert.Null(QGru.RowSums(Layer.Random(input, hidden, linear, 5).W, Layer.Random(input, hidden, linear, 5).R,
            new RecurrentGeometry(3, 1, input, hidden, 3, 1, false, 0))); // 8-bit weights: pairs beyond vpmaddubsw's reach
        var layer = Layer.Random(input, hidden, linear, 6, weightBits: 7);
        var sums = QGru.RowSums(layer.W, layer.R, new RecurrentGeometry(3, 1, input, hidden, 3, 1, false, 0));
        Assert.NotNull(sums);
        int hp = Int8GruCell.PaddedHidden(hidden);
        for (int gate = 0; gate < 3; gate++)
            for (int j = 0; j < hp; j++)
            {
                int row = gate * hp + j, onnx = gate * hidden + j;
                Assert.Equal(j < hidden ? layer.WRows.AsSpan(onnx * input, input).ToArray().Sum(v => (int)v) : 0, sums[row]);
                Assert.Equal(j < hidden ? layer.RRows.AsSpan(onnx * hidden, hidden).ToArray().Sum(v => (int)v) : 0, sums[3 * hp + row]);
            }

        int steps = 7;
        var x = Inputs(steps, input, 8);
        float[] hExpected = KernelAssert.Random(hidden, 4, 0.9f), yExpected = new float[steps * hidden];
        Int8GruCell.Sequence(Int8Path.Scalar, layer.Weights, x, input, float.PositiveInfinity, hExpected, steps, false, yExpected, hidden,
            new byte[Int8GruCell.ScratchBytes(input, hidden)]);
        var withSums = new Int8GruWeights(layer.W, layer.WScales, layer.R, layer.RScales, layer.Bias, layer.Rbh, input, hidden, sums);
        foreach (var path in Int8Paths.Supported())
        {
            float[] h = KernelAssert.Random(hidden, 4, 0.9f), y = new float[steps * hidden];
            Int8GruCell.Sequence(path, withSums, x, input, float.PositiveInfinity, h, steps, false, y, hidden, new byte[Int8GruCell.ScratchBytes(input, hidden)]);
            Assert.True(yExpected.AsSpan().SequenceEqual(y), $"path {path}");
        }
    }

    [Fact]
    public void A_non_finite_input_gives_the_same_outputs_on_every_path()
    {
        // 16 inputs, so the AVX-512BW loop would quantize x 16 at a time: a row with an infinity or a NaN takes the
        // scalar quantization there too, and every path ends with the same floats (NaN where the reference has NaN).
        const int hidden = 32, input = 16, steps = 4;
        var layer = Layer.Random(input, hidden, false, 5);
        foreach (float bad in new[] { float.PositiveInfinity, float.NaN, float.MaxValue })
        {
            var x = Inputs(steps, input, 6);
            x[input + 3] = bad; // step 1
            float[] hExpected = KernelAssert.Random(hidden, 4, 0.9f), yExpected = new float[steps * hidden];
            Int8GruCell.Sequence(Int8Path.Scalar, layer.Weights, x, input, float.PositiveInfinity, hExpected, steps, false, yExpected, hidden,
                new byte[Int8GruCell.ScratchBytes(input, hidden)]);
            foreach (var path in Int8Paths.Supported())
            {
                float[] h = KernelAssert.Random(hidden, 4, 0.9f), y = new float[steps * hidden];
                Int8GruCell.Sequence(path, layer.Weights, x, input, float.PositiveInfinity, h, steps, false, y, hidden, new byte[Int8GruCell.ScratchBytes(input, hidden)]);
                Assert.True(yExpected.AsSpan().SequenceEqual(y), $"path {path}, input {bad}");
            }
        }
    }

    /// <summary>Sequence against the plain reference. One step agrees within float rounding (the gates' exp and tanh
    /// differ by an ulp or two; an r⊙h that lands on a rounding boundary could still move one level, which did not happen
    /// at these seeds). Over a sequence a difference of an ulp in h can move one value of the next q(h) by one level:
    /// at most s_h · s_R · 127 ≈ max|R row| / 127 ≈ 0.004 on one pre-activation, which the gates then damp; 2e-3 allows a
    /// few such steps, far below what a wrong row, gate or scale gives (0.05 and more).</summary>
    [Theory]
    [MemberData(nameof(Sizes))]
    public void Sequences_agree_with_the_scalar_reference(int hidden, int input, bool linear)
    {
        var layer = Layer.Random(input, hidden, linear, hidden * 17 + input);
        foreach (int steps in new[] { 1, 12 })
            foreach (bool reverse in new[] { false, true })
                foreach (float clip in new[] { float.PositiveInfinity, 0.7f })
                {
                    var x = Inputs(steps, input, steps + hidden);
                    float[] hExpected = KernelAssert.Random(hidden, 8, 0.9f), hActual = (float[])hExpected.Clone();
                    float[] yExpected = new float[steps * hidden], yActual = new float[steps * hidden];
                    Int8GruCell.Reference(layer.Weights, x, input, clip, hExpected, steps, reverse, yExpected, hidden);
                    Int8GruCell.Sequence(layer.Weights, x, input, clip, hActual, steps, reverse, yActual, hidden, new byte[Int8GruCell.ScratchBytes(input, hidden)]);
                    float tolerance = steps == 1 ? 1e-5f : 2e-3f;
                    KernelAssert.Close(yExpected, yActual, 0f, tolerance);
                    KernelAssert.Close(hExpected, hActual, 0f, tolerance);
                }
    }

    /// <summary>The int8 GRU against the float definition on the dequantized weights: the difference is the activations'
    /// quantization alone (x, h and r⊙h to 8 bits, a relative step of 1/254 each), a few 1e-3 on outputs in [-1, 1].</summary>
    [Theory]
    [InlineData(32, 6, false)]
    [InlineData(32, 6, true)]
    [InlineData(13, 3, false)]
    public void Sequences_are_close_to_the_float_GRU_on_the_dequantized_weights(int hidden, int input, bool linear)
    {
        var layer = Layer.Random(input, hidden, linear, 99 + hidden);
        int steps = 16;
        var x = Inputs(steps, input, 5);
        var (wt, rt, b, rbh) = Dequantized(layer);
        float[] hFloat = new float[hidden], hInt8 = new float[hidden];
        float[] yFloat = new float[steps * hidden], yInt8 = new float[steps * hidden];
        GruCell.Sequence(wt, x, input, b, rt, float.PositiveInfinity, hFloat, new float[GruCell.ScratchFloats(hidden)], steps, false, yFloat, hidden, rbh);
        Int8GruCell.Sequence(layer.Weights, x, input, float.PositiveInfinity, hInt8, steps, false, yInt8, hidden, new byte[Int8GruCell.ScratchBytes(input, hidden)]);
        double signal = 0, noise = 0;
        for (int i = 0; i < yFloat.Length; i++)
        {
            signal += yFloat[i] * (double)yFloat[i];
            noise += (yFloat[i] - yInt8[i]) * (double)(yFloat[i] - yInt8[i]);
            Assert.True(Math.Abs(yFloat[i] - yInt8[i]) < 0.03f, $"element {i}: float {yFloat[i]}, int8 {yInt8[i]}");
        }
        Assert.True(10 * Math.Log10(signal / noise) > 30, $"SQNR {10 * Math.Log10(signal / noise):F1} dB");
    }

    /// <summary>Wᵀ [input, 3h], Rᵀ [h, 3h], the folded bias and Rbh in GruCell's layout, from the int8 rows and their scales.</summary>
    internal static (float[] Wt, float[] Rt, float[] Bias, float[] Rbh) Dequantized(Layer layer)
    {
        int h = layer.Hidden, input = layer.Input, gh = 3 * h;
        var wt = new float[input * gh];
        var rt = new float[h * gh];
        for (int j = 0; j < gh; j++)
        {
            for (int k = 0; k < input; k++) wt[k * gh + j] = layer.WRows[j * input + k] * layer.WScales[j];
            for (int k = 0; k < h; k++) rt[k * gh + j] = layer.RRows[j * h + k] * layer.RScales[j];
        }
        return (wt, rt, layer.Bias, layer.Linear ? layer.Rbh : []);
    }

    [Fact]
    public void A_sequence_allocates_nothing()
    {
        var layer = Layer.Random(6, 32, false, 1);
        var x = Inputs(32, 6, 2);
        var h = new float[32];
        var y = new float[32 * 32];
        var scratch = new byte[Int8GruCell.ScratchBytes(6, 32)];
        Int8GruCell.Sequence(layer.Weights, x, 6, float.PositiveInfinity, h, 32, false, y, 32, scratch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Int8GruCell.Sequence(layer.Weights, x, 6, float.PositiveInfinity, h, 32, i % 2 == 0, y, 32, scratch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
