using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Recurrent;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Tests.Kernels;

public class RecurrentTests
{
    private static readonly string[] s_activationNames =
        ["Sigmoid", "Tanh", "Relu", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus"];

    private static (float Alpha, float Beta, bool UsesAlpha, bool UsesBeta) Defaults(string name) => name switch
    {
        "Affine" => (1f, 0f, true, true),
        "LeakyRelu" => (0.01f, 0f, true, false),
        "ThresholdedRelu" => (1f, 0f, true, false),
        "ScaledTanh" => (1f, 1f, true, true),
        "HardSigmoid" => (0.2f, 0.5f, true, true),
        "Elu" => (1f, 0f, true, false),
        _ => (0f, 0f, false, false),
    };

    private static float[] Permute(float[] src, int[] dims, int[] perm)
    {
        var outDims = perm.Select(p => dims[p]).ToArray();
        var srcStrides = Shape.Strides(dims);
        var dst = new float[src.Length];
        var index = new int[dims.Length];
        for (int i = 0; i < dst.Length; i++)
        {
            int rem = i, s = 0;
            for (int k = outDims.Length - 1; k >= 0; k--) { index[k] = rem % outDims[k]; rem /= outDims[k]; }
            for (int k = 0; k < perm.Length; k++) s += index[k] * srcStrides[perm[k]];
            dst[i] = src[s];
        }
        return dst;
    }

    private static ConstantTensor F(int[] dims, float[] v) => ConstantTensor.FromArray(ElementType.Float32, dims, v);

    [Theory]
    [InlineData("RNN")]
    [InlineData("GRU")]
    [InlineData("LSTM")]
    public void Matches_reference_over_random_configurations(string op)
    {
        var rng = new Random(op.Length * 97);
        for (int trial = 0; trial < 150; trial++)
        {
            int seq = rng.Next(1, 6), batch = rng.Next(1, 4), input = rng.Next(1, trial % 3 == 0 ? 24 : 8), hidden = rng.Next(1, trial % 4 == 0 ? 20 : 7);
            string direction = new[] { "forward", "reverse", "bidirectional" }[rng.Next(3)];
            int dirs = direction == "bidirectional" ? 2 : 1;
            int layout = rng.Next(2);
            int gates = op switch { "RNN" => 1, "GRU" => 3, _ => 4 };
            int perDir = op switch { "RNN" => 1, "GRU" => 2, _ => 3 };
            var attrs = new Dictionary<string, AttributeValue>
            {
                ["hidden_size"] = AttributeValue.Of((long)hidden),
                ["direction"] = AttributeValue.Of(direction),
                ["layout"] = AttributeValue.Of((long)layout),
            };
            var reference = new RecurrentReference
            {
                Op = op, Sequence = seq, Batch = batch, Input = input, Hidden = hidden, Directions = dirs, ReverseOnly = direction == "reverse",
                Activations = op switch
                {
                    "RNN" => Enumerable.Repeat(("Tanh", 0f, 0f), dirs).ToArray(),
                    "GRU" => Enumerable.Range(0, dirs).SelectMany(_ => new[] { ("Sigmoid", 0f, 0f), ("Tanh", 0f, 0f) }).ToArray(),
                    _ => Enumerable.Range(0, dirs).SelectMany(_ => new[] { ("Sigmoid", 0f, 0f), ("Tanh", 0f, 0f), ("Tanh", 0f, 0f) }).ToArray(),
                },
            };
            if (rng.Next(3) == 0)
            {
                var names = Enumerable.Range(0, perDir * dirs).Select(_ => s_activationNames[rng.Next(s_activationNames.Length)]).ToArray();
                bool explicitParams = rng.Next(2) == 0;
                var alphas = new List<float>();
                var betas = new List<float>();
                var resolved = new (string, float, float)[names.Length];
                for (int i = 0; i < names.Length; i++)
                {
                    var (alpha, beta, usesAlpha, usesBeta) = Defaults(names[i]);
                    if (explicitParams && usesAlpha) { alpha = (float)rng.NextDouble() + 0.1f; alphas.Add(alpha); }
                    if (explicitParams && usesBeta) { beta = (float)rng.NextDouble() - 0.5f; betas.Add(beta); }
                    resolved[i] = (names[i], alpha, beta);
                }
                attrs["activations"] = AttributeValue.Of(names);
                if (alphas.Count > 0) attrs["activation_alpha"] = AttributeValue.Of(alphas.ToArray());
                if (betas.Count > 0) attrs["activation_beta"] = AttributeValue.Of(betas.ToArray());
                reference.Activations = resolved;
            }
            if (rng.Next(4) == 0)
            {
                reference.Clip = 0.5f + (float)rng.NextDouble();
                attrs["clip"] = AttributeValue.Of(reference.Clip.Value);
            }
            if (op == "GRU" && rng.Next(2) == 0)
            {
                reference.LinearBeforeReset = true;
                attrs["linear_before_reset"] = AttributeValue.Of(1L);
            }
            if (op == "LSTM" && rng.Next(4) == 0)
            {
                reference.InputForget = true;
                attrs["input_forget"] = AttributeValue.Of(1L);
            }

            int seed = trial * 10;
            var x = KernelAssert.Random(seq * batch * input, seed + 1, 2f);
            var w = KernelAssert.Random(dirs * gates * hidden * input, seed + 2, 0.6f);
            var r = KernelAssert.Random(dirs * gates * hidden * hidden, seed + 3, 0.6f);
            float[]? b = rng.Next(3) > 0 ? KernelAssert.Random(dirs * 2 * gates * hidden, seed + 4, 0.5f) : null;
            int[]? lens = rng.Next(3) == 0 ? Enumerable.Range(0, batch).Select(_ => rng.Next(1, seq + 1)).ToArray() : null;
            float[]? h0 = rng.Next(2) == 0 ? KernelAssert.Random(dirs * batch * hidden, seed + 5) : null;
            float[]? c0 = op == "LSTM" && rng.Next(2) == 0 ? KernelAssert.Random(dirs * batch * hidden, seed + 6) : null;
            float[]? p = op == "LSTM" && rng.Next(2) == 0 ? KernelAssert.Random(dirs * 3 * hidden, seed + 7, 0.5f) : null;

            var (ey, eyh, eyc) = reference.Run(x, w, r, b, lens, h0, c0, p);

            int[] xDims = [seq, batch, input], stateDims = [dirs, batch, hidden], yDims = [seq, dirs, batch, hidden];
            float[] xIn = x, h0In = h0 ?? [], c0In = c0 ?? [];
            if (layout == 1)
            {
                xIn = Permute(x, xDims, [1, 0, 2]);
                xDims = [batch, seq, input];
                if (h0 is not null) h0In = Permute(h0, stateDims, [1, 0, 2]);
                if (c0 is not null) c0In = Permute(c0, stateDims, [1, 0, 2]);
                ey = Permute(ey, yDims, [2, 0, 1, 3]);
                eyh = Permute(eyh, stateDims, [1, 0, 2]);
                eyc = Permute(eyc, stateDims, [1, 0, 2]);
                stateDims = [batch, dirs, hidden];
                yDims = [batch, seq, dirs, hidden];
            }
            var inputs = new List<ConstantTensor?>
            {
                F(xDims, xIn), F([dirs, gates * hidden, input], w), F([dirs, gates * hidden, hidden], r),
                b is null ? null : F([dirs, 2 * gates * hidden], b),
                lens is null ? null : ConstantTensor.FromArray(ElementType.Int32, [batch], lens),
                h0 is null ? null : F(stateDims, h0In),
            };
            if (op == "LSTM")
            {
                inputs.Add(c0 is null ? null : F(stateDims, c0In));
                inputs.Add(p is null ? null : F([dirs, 3 * hidden], p));
            }
            var outs = SingleNodeRunner.Run(op, new NodeAttributes(attrs), [.. inputs], outputCount: op == "LSTM" ? 3 : 2, opset: 22);
            Assert.Equal(yDims, outs[0].Dims);
            Assert.Equal(stateDims, outs[1].Dims);
            // float32 against a double reference; unbounded activations (Affine, Softplus...) let rounding grow over steps.
            KernelAssert.Close(ey, outs[0].AsSpan<float>(), 1e-3f, 1e-4f);
            KernelAssert.Close(eyh, outs[1].AsSpan<float>(), 1e-3f, 1e-4f);
            if (op == "LSTM") KernelAssert.Close(eyc, outs[2].AsSpan<float>(), 1e-3f, 1e-4f);
        }
    }

    [Fact]
    public void GateMatVec_vector_path_matches_scalar_reference()
    {
        foreach (int pad in new[] { 0, 3 })
            for (int k = 0; k <= 13; k++)
                for (int n = 0; n <= 70; n++)
                {
                    int ld = n + pad;
                    var w = KernelAssert.Random(Math.Max(0, (k - 1) * ld + n), k * 100 + n);
                    var x = KernelAssert.Random(k, n + 7);
                    var expected = new float[n];
                    var actual = KernelAssert.Random(n, 5);
                    GateMatVec.Scalar(w, ld, x, expected);
                    GateMatVec.Run(w, ld, x, actual);
                    KernelAssert.Close(expected, actual, 1e-5f, 1e-5f);
                }
    }

    [Fact]
    public void Gate_sigmoid_and_tanh_vectors_match_MathF()
    {
        var values = new List<float> { 0f, -0f, 1e-30f, -1e-30f, 1e-7f, -3e-5f, 9f, -9f, 15f, -15f, 30f, -30f, 89f, -89f, 100f, -100f, float.PositiveInfinity, float.NegativeInfinity };
        var rng = new Random(5);
        for (int i = 0; i < 2000; i++) values.Add((float)(rng.NextDouble() * 24 - 12));
        while (values.Count % 8 != 0) values.Add(0.5f);
        for (int i = 0; i < values.Count; i += 8)
        {
            var v = System.Runtime.Intrinsics.Vector256.Create(values.ToArray(), i);
            var s256 = GateSigmoidTanh.Sigmoid(v);
            var t256 = GateSigmoidTanh.Tanh(v);
            var s128 = GateSigmoidTanh.Sigmoid(System.Runtime.Intrinsics.Vector256.GetLower(v));
            var t128 = GateSigmoidTanh.Tanh(System.Runtime.Intrinsics.Vector256.GetLower(v));
            for (int j = 0; j < 8; j++)
            {
                float x = values[i + j];
                float sigmoid = 1f / (1f + MathF.Exp(-x)), tanh = MathF.Tanh(x);
                KernelAssert.Close([sigmoid, tanh], [s256[j], t256[j]], 2e-6f, 1e-7f);
                if (j < 4) KernelAssert.Close([sigmoid, tanh], [s128[j], t128[j]], 2e-6f, 1e-7f);
                Assert.Equal(MathF.Sign(tanh), MathF.Sign(t256[j]));
            }
        }
    }

    [Fact]
    public void Gate_sigmoid_and_tanh_stay_within_float_rounding_of_double_precision()
    {
        // Every 1/256 over ±40 (and just around 0): sigmoid relative to its value above the −30 clamp, tanh relative to
        // its value; the bound is about 3 float ulps.
        double worstSigmoid = 0, worstTanh = 0;
        var lanes = new float[16];
        for (int i = -40 * 256; i <= 40 * 256; i += 16)
        {
            for (int j = 0; j < 16; j++) lanes[j] = (i + j) / 256f + (i + j == 0 ? 1e-6f : 0);
            var v = System.Runtime.Intrinsics.Vector512.Create(lanes);
            var s512 = GateSigmoidTanh.Sigmoid(v);
            var t512 = GateSigmoidTanh.Tanh(v);
            var s128 = GateSigmoidTanh.Sigmoid(v.GetLower().GetLower());
            var t256 = GateSigmoidTanh.Tanh(v.GetUpper());
            for (int j = 0; j < 16; j++)
            {
                double x = lanes[j], sigmoid = 1 / (1 + Math.Exp(-x)), tanh = Math.Tanh(x);
                if (x >= -30) worstSigmoid = Math.Max(worstSigmoid, Math.Abs(s512[j] - sigmoid) / sigmoid);
                worstTanh = Math.Max(worstTanh, Math.Abs(t512[j] - tanh) / Math.Abs(tanh));
                if (j < 4 && x >= -30) worstSigmoid = Math.Max(worstSigmoid, Math.Abs(s128[j] - sigmoid) / sigmoid);
                if (j < 8) worstTanh = Math.Max(worstTanh, Math.Abs(t256[j] - Math.Tanh(lanes[j + 8])) / Math.Abs(Math.Tanh(lanes[j + 8])));
            }
        }
        Assert.True(worstSigmoid < 3.6e-7, $"sigmoid: worst relative error {worstSigmoid:E2}");
        Assert.True(worstTanh < 3.6e-7, $"tanh: worst relative error {worstTanh:E2}");
    }

    [Fact]
    public void Gru_cell_vector_paths_match_their_scalar_reference()
    {
        foreach (bool linear in new[] { false, true }) // linear_before_reset: Rbh given
        foreach (float clip in new[] { float.PositiveInfinity, 1.5f })
            foreach (int input in new[] { 0, 1, 6, 13 })
                for (int n = 0; n <= 70; n++)
                {
                    var rbh = linear ? KernelAssert.Random(n, n + 6, 0.5f) : [];
                    var wt = KernelAssert.Random(input * 3 * n, n + 1, 0.5f);
                    var x = KernelAssert.Random(input, n + 2, 2f);
                    var b = KernelAssert.Random(3 * n, n + 3, 0.5f);
                    var rt = KernelAssert.Random(3 * n * n, n + 4, 0.5f);
                    var h = KernelAssert.Random(n, n + 5);
                    float[] hExpected = (float[])h.Clone(), hActual = (float[])h.Clone();
                    float[] scratchExpected = new float[GruCell.ScratchFloats(n)], scratchActual = KernelAssert.Random(GruCell.ScratchFloats(n), 9);
                    GruCell.Scalar(wt, x, b, rt, clip, hExpected, scratchExpected, rbh);
                    GruCell.Run(wt, x, b, rt, clip, hActual, scratchActual, rbh);
                    KernelAssert.Close(hExpected, hActual, 1e-5f, 2e-6f);
                }
    }

    [Fact]
    public void Gru_cell_sequence_matches_step_by_step_scalar_reference()
    {
        foreach (bool linear in new[] { false, true })
        foreach (bool reverse in new[] { false, true })
            foreach (int n in new[] { 3, 8, 19, 32, 48 })
            {
                var rbh = linear ? KernelAssert.Random(n, n + 6, 0.5f) : [];
                int steps = 7, input = 5, yStride = 2 * n + 1;
                var wt = KernelAssert.Random(input * 3 * n, n + 1, 0.5f);
                var x = KernelAssert.Random(steps * input, n + 2, 2f);
                var b = KernelAssert.Random(3 * n, n + 3, 0.5f);
                var rt = KernelAssert.Random(3 * n * n, n + 4, 0.5f);
                var h = KernelAssert.Random(n, n + 5);
                var hExpected = (float[])h.Clone();
                var yExpected = new float[(steps - 1) * yStride + n];
                var scratch = new float[GruCell.ScratchFloats(n)];
                for (int s = 0; s < steps; s++)
                {
                    int t = reverse ? steps - 1 - s : s;
                    GruCell.Scalar(wt, x.AsSpan(t * input, input), b, rt, 1.5f, hExpected, scratch, rbh);
                    hExpected.CopyTo(yExpected, t * yStride);
                }
                var hActual = (float[])h.Clone();
                var yActual = new float[yExpected.Length];
                GruCell.Sequence(wt, x, input, b, rt, 1.5f, hActual, KernelAssert.Random(GruCell.ScratchFloats(n), 9), steps, reverse, yActual, yStride, rbh);
                KernelAssert.Close(hExpected, hActual, 1e-5f, 2e-6f);
                KernelAssert.Close(yExpected, yActual, 1e-5f, 2e-6f);
            }
    }

    [Fact]
    public void Lstm_gate_vector_paths_match_their_scalar_reference()
    {
        foreach (float clip in new[] { float.PositiveInfinity, 1.5f })
            for (int n = 0; n <= 70; n++)
            {
                var p = KernelAssert.Random(4 * n, n + 1, 4f);
                var a = KernelAssert.Random(4 * n, n + 2, 4f);
                var peep = KernelAssert.Random(3 * n, n + 3);
                var c = KernelAssert.Random(n, n + 4, 2f);
                var h = KernelAssert.Random(n, n + 5);
                float[] cExpected = (float[])c.Clone(), cActual = (float[])c.Clone(), hExpected = (float[])h.Clone(), hActual = (float[])h.Clone();
                LstmGates.Scalar(p, a, peep, clip, cExpected, hExpected);
                LstmGates.Run(p, a, peep, clip, cActual, hActual);
                KernelAssert.Close(cExpected, cActual, 2e-6f, 1e-6f);
                KernelAssert.Close(hExpected, hActual, 2e-6f, 1e-6f);
            }
    }

    [Theory]
    [InlineData("RNN", false, false)]
    [InlineData("GRU", false, false)]
    [InlineData("GRU", true, false)]
    [InlineData("GRU", false, true)]
    [InlineData("GRU", true, true)]
    [InlineData("LSTM", false, false)]
    [InlineData("LSTM", false, true)]
    public void Weights_given_at_run_time_match_constant_weights(string op, bool linearBeforeReset, bool noBias)
    {
        int seq = 5, batch = 2, input = 7, hidden = 19, dirs = 2;
        int gates = op switch { "RNN" => 1, "GRU" => 3, _ => 4 };
        var attrs = new Dictionary<string, AttributeValue> { ["direction"] = AttributeValue.Of("bidirectional"), ["hidden_size"] = AttributeValue.Of((long)hidden) };
        if (linearBeforeReset) attrs["linear_before_reset"] = AttributeValue.Of(1L);
        var inputs = new List<ConstantTensor?>
        {
            F([seq, batch, input], KernelAssert.Random(seq * batch * input, 1, 2f)),
            F([dirs, gates * hidden, input], KernelAssert.Random(dirs * gates * hidden * input, 2, 0.5f)),
            F([dirs, gates * hidden, hidden], KernelAssert.Random(dirs * gates * hidden * hidden, 3, 0.5f)),
            noBias ? null : F([dirs, 2 * gates * hidden], KernelAssert.Random(dirs * 2 * gates * hidden, 4, 0.5f)),
            null,
            F([dirs, batch, hidden], KernelAssert.Random(dirs * batch * hidden, 5)),
        };
        int outputCount = op == "LSTM" ? 3 : 2;
        var attributes = new NodeAttributes(attrs);
        var expected = SingleNodeRunner.Run(op, attributes, [.. inputs], outputCount, opset: 22);

        var infos = inputs.Select(t => t is null ? TensorInfo.Missing : new TensorInfo(t.Type, t.Dims)).ToArray();
        var node = new NodeContext("n", op, 22, attributes, infos, new ConstantTensor?[infos.Length], outputCount);
        Assert.True(OperatorRegistry.TryGet(op, out var definition));
        definition.InferOutputs(node);
        var kernel = definition.CreateKernel(node);
        var inSlots = new SlotRef[infos.Length];
        var outSlots = new SlotRef[outputCount];
        int offset = 0;
        for (int i = 0; i < infos.Length; i++)
        {
            if (inputs[i] is null) continue;
            inSlots[i] = new SlotRef(SlotKind.Arena, offset, inputs[i]!.Bytes.Length);
            offset = SingleNodeRunner.Align(offset + inputs[i]!.Bytes.Length);
        }
        for (int i = 0; i < outputCount; i++) { outSlots[i] = new SlotRef(SlotKind.Arena, offset, (int)node.Output(i).ByteCount); offset = SingleNodeRunner.Align(offset + (int)node.Output(i).ByteCount); }
        var arena = new byte[offset];
        for (int i = 0; i < infos.Length; i++) inputs[i]?.Bytes.Span.CopyTo(arena.AsSpan(inSlots[i].Offset));
        var scratch = new byte[kernel.ScratchBytes];
        new Random(9).NextBytes(scratch); // stale scratch from other kernels must not leak in
        kernel.Run(new KernelArgs(arena, ReadOnlySpan<byte>.Empty, inSlots, outSlots, scratch));
        for (int o = 0; o < outputCount; o++)
        {
            var actual = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(arena.AsSpan(outSlots[o].Offset, outSlots[o].Length));
            KernelAssert.Close(expected[o].AsSpan<float>(), actual, 1e-5f, 1e-6f);
        }
    }

    [Fact]
    public void Activation_vector_paths_match_their_scalar_reference()
    {
        foreach (var kind in Enum.GetValues<RecurrentActivationKind>())
        {
            var f = new RecurrentActivation(kind, 0.7f, 0.3f);
            for (int n = 0; n <= 40; n++)
            {
                var x = KernelAssert.Random(n, n + (int)kind * 50, 4f);
                var expected = x.Select(f.Scalar).ToArray();
                f.Apply(x);
                KernelAssert.Close(expected, x, 1e-5f, 1e-6f);
            }
        }
    }

    [Fact]
    public void Unknown_activation_and_bad_shapes_are_reported()
    {
        var x = F([1, 1, 2], [1f, 2f]);
        var w = F([1, 1, 2], [1f, 1f]);
        var r = F([1, 1, 1], [0f]);
        var bad = new NodeAttributes(new Dictionary<string, AttributeValue> { ["activations"] = AttributeValue.Of(new[] { "Gelu" }) });
        Assert.Throws<UnsupportedOperatorException>(() => SingleNodeRunner.Run("RNN", bad, [x, w, r], outputCount: 2));
        Assert.Throws<ShapeException>(() => SingleNodeRunner.Run("RNN", NodeAttributes.Empty, [x, F([1, 1, 3], [1f, 1f, 1f]), r], outputCount: 2));
        var ok = SingleNodeRunner.Run("RNN", NodeAttributes.Empty, [x, w, r], outputCount: 2);
        Assert.Equal((float)Math.Tanh(3), ok[1].AsSpan<float>()[0], 1e-6f);
    }

    [Theory]
    [InlineData("LSTM", false)]
    [InlineData("GRU", false)]
    [InlineData("GRU", true)] // GruCell.Sequence runs the time loop
    [InlineData("GRU linear_before_reset", true)]
    [InlineData("RNN", false)]
    public void Kernel_run_allocates_nothing(string op, bool batchOfOne)
    {
        bool linearBeforeReset = op.EndsWith(" linear_before_reset", StringComparison.Ordinal);
        op = op.Split(' ')[0];
        int seq = 4, batch = batchOfOne ? 1 : 2, input = 11, hidden = 9, dirs = 2;
        int gates = op switch { "RNN" => 1, "GRU" => 3, _ => 4 };
        var inputs = new List<TensorInfo>
        {
            new(ElementType.Float32, [seq, batch, input]), new(ElementType.Float32, [dirs, gates * hidden, input]),
            new(ElementType.Float32, [dirs, gates * hidden, hidden]), new(ElementType.Float32, [dirs, 2 * gates * hidden]),
            batchOfOne ? TensorInfo.Missing : new(ElementType.Int32, [batch]), new(ElementType.Float32, [dirs, batch, hidden]),
        };
        if (op == "LSTM")
        {
            inputs.Add(new(ElementType.Float32, [dirs, batch, hidden]));
            inputs.Add(new(ElementType.Float32, [dirs, 3 * hidden]));
        }
        int outputCount = op == "LSTM" ? 3 : 2;
        var attrs = new NodeAttributes(new Dictionary<string, AttributeValue>
        {
            ["direction"] = AttributeValue.Of("bidirectional"),
            ["clip"] = AttributeValue.Of(2f),
        });
        if (linearBeforeReset) attrs = attrs.With("linear_before_reset", AttributeValue.Of(1L));
        var node = new NodeContext("n", op, 22, attrs, [.. inputs], new ConstantTensor?[inputs.Count], outputCount);
        Assert.True(OperatorRegistry.TryGet(op, out var definition));
        definition.InferOutputs(node);
        var kernel = definition.CreateKernel(node);

        var inSlots = new SlotRef[inputs.Count];
        var outSlots = new SlotRef[outputCount];
        int offset = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            if (batchOfOne && i == 4) continue;
            inSlots[i] = new SlotRef(SlotKind.Arena, offset, (int)inputs[i].ByteCount);
            offset = SingleNodeRunner.Align(offset + (int)inputs[i].ByteCount);
        }
        for (int i = 0; i < outputCount; i++) { outSlots[i] = new SlotRef(SlotKind.Arena, offset, (int)node.Output(i).ByteCount); offset = SingleNodeRunner.Align(offset + (int)node.Output(i).ByteCount); }
        var arena = new byte[offset];
        new Random(1).NextBytes(arena);
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(arena.AsSpan());
        for (int i = 0; i < floats.Length; i++) floats[i] = (i % 17 - 8) * 0.05f;
        if (!batchOfOne)
        {
            var lens = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(arena.AsSpan(inSlots[4].Offset, inSlots[4].Length));
            lens[0] = seq;
            lens[1] = seq - 1;
        }
        var scratch = new byte[kernel.ScratchBytes];

        kernel.Run(new KernelArgs(arena, ReadOnlySpan<byte>.Empty, inSlots, outSlots, scratch)); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) kernel.Run(new KernelArgs(arena, ReadOnlySpan<byte>.Empty, inSlots, outSlots, scratch));
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
    }
}
