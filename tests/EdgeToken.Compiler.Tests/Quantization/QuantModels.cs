using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Quantization;

/// <summary>Small float models and calibration files for the quantizer tests.</summary>
internal static class QuantModels
{
    /// <summary>Saves the model with 40 calibration samples beside it and compiles it as float and quantized to int8.</summary>
    public static (CompiledModel Float, CompiledModel Int8, string Dir, int Length) CompileBoth(OnnxModelBuilder builder, int[] dims, bool perChannel = true, bool? recurrent = true)
    {
        int length = dims.Aggregate(1, (a, d) => a * d);
        string dir = TestModels.TempDir();
        string model = TestModels.Save(builder, dir);
        string calib = WriteF32(dir, Samples(40, length, 100));
        var f = ModelCompiler.CompileFile(model);
        var q = ModelCompiler.CompileFile(model, new CompileOptions { CalibrationPath = calib, Quantize = new QuantizeOptions { PerChannelWeights = perChannel, Recurrent = recurrent } });
        return (f, q, dir, length);
    }

    /// <summary>Runs every sample through <paramref name="executor"/> and ONNX Runtime on <paramref name="onnxPath"/>; asserts
    /// each output is within one quantization step and returns how many outputs differ at all, of how many.</summary>
    public static (int Differing, int Total) CompareWithOnnxRuntime(PlanExecutor executor, string onnxPath, int[] dims, IEnumerable<float[]> samples, float step)
    {
        using var ort = new EdgeToken.Cli.Reference.OnnxRuntimeReference(onnxPath);
        int differing = 0, total = 0;
        foreach (var x in samples)
        {
            var ours = Run(executor, x);
            var theirs = ort.Run([EdgeToken.Runtime.Tensors.ConstantTensor.FromArray(ElementType.Float32, dims, x)])[0].AsSpan<float>().ToArray();
            Assert.Equal(ours.Length, theirs.Length);
            for (int i = 0; i < ours.Length; i++, total++)
            {
                float d = Math.Abs(ours[i] - theirs[i]);
                Assert.True(d <= step * 1.001f, $"output {i}: EdgeToken {ours[i]}, ONNX Runtime {theirs[i]}, step {step}");
                if (d > 0) differing++;
            }
        }
        return (differing, total);
    }

    /// <summary>Output SQNR in dB and largest absolute error of <paramref name="actual"/> against <paramref name="expected"/>
    /// on <paramref name="count"/> random samples.</summary>
    public static (double SqnrDb, double MaxError) Compare(PlanExecutor expected, PlanExecutor actual, int length, int count = 20)
    {
        double signal = 0, noise = 0, worst = 0;
        foreach (var x in QuantModels.Samples(count, length, 900))
        {
            var e = QuantModels.Run(expected, x);
            var a = QuantModels.Run(actual, x);
            for (int i = 0; i < e.Length; i++)
            {
                signal += (double)e[i] * e[i];
                noise += (double)(e[i] - a[i]) * (e[i] - a[i]);
                worst = Math.Max(worst, Math.Abs(e[i] - a[i]));
            }
        }
        return (10 * Math.Log10(signal / noise), worst);
    }

    /// <summary>One inference on an executor: x in, a copy of the first output out.</summary>
    public static float[] Run(PlanExecutor e, float[] x)
    {
        x.CopyTo(e.Input<float>(0));
        e.Run();
        return e.Output<float>(0).ToArray();
    }

    /// <summary>x [1, 64] → Gemm 64→48 + Relu → Gemm 48→32 + Relu → MatMul 32→10 (+ Add bias) → y [1, 10].</summary>
    public static OnnxModelBuilder Mlp(int seed = 1, int input = 64, int hidden1 = 48, int hidden2 = 32, int output = 10)
    {
        var b = new OnnxModelBuilder("mlp", 17);
        b.Input("x", ElementType.Float32, 1, input);
        var w1 = b.Initializer("w1", TestModels.Random(hidden1 * input, seed, 0.3f), hidden1, input);
        var b1 = b.Initializer("b1", TestModels.Random(hidden1, seed + 1, 0.1f), hidden1);
        var h = b.Op("Relu", [b.Op("Gemm", ["x", w1, b1], ("transB", 1L))]);
        var w2 = b.Initializer("w2", TestModels.Random(hidden2 * hidden1, seed + 2, 0.3f), hidden1, hidden2);
        var b2 = b.Initializer("b2", TestModels.Random(hidden2, seed + 3, 0.1f), hidden2);
        h = b.Op("Relu", [b.Op("Gemm", [h, w2, b2])]);
        var w3 = b.Initializer("w3", TestModels.Random(output * hidden2, seed + 4, 0.3f), hidden2, output);
        var b3 = b.Initializer("b3", TestModels.Random(output, seed + 5, 0.1f), output);
        b.Node("Add", [b.Op("MatMul", [h, w3]), b3], ["y"]);
        b.Output("y", ElementType.Float32, 1, output);
        return b;
    }

    /// <summary>x [1, 4, 32] → Conv k5 pad 2, 4→8 + Relu → Conv k3 stride 2 dilation 2 (SAME_UPPER), 8→8 + Relu
    /// → MaxPool 2 → depthwise Conv k3 pad 1 + Clip(0, 6) → Conv 1×1 8→6 → y [1, 6, 8].</summary>
    public static OnnxModelBuilder Cnn1D(int seed = 1)
    {
        var b = new OnnxModelBuilder("cnn1d", 17);
        b.Input("x", ElementType.Float32, 1, 4, 32);
        var h = b.Op("Relu", [b.Op("Conv", ["x", b.Initializer("w1", TestModels.Random(8 * 4 * 5, seed, 0.3f), 8, 4, 5),
            b.Initializer("b1", TestModels.Random(8, seed + 1, 0.1f), 8)], ("pads", new long[] { 2, 2 }))]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w2", TestModels.Random(8 * 8 * 3, seed + 2, 0.3f), 8, 8, 3)],
            ("strides", new long[] { 2 }), ("dilations", new long[] { 2 }), ("auto_pad", "SAME_UPPER"))]);
        h = b.Op("MaxPool", [h], ("kernel_shape", new long[] { 2 }), ("strides", new long[] { 2 }));
        h = b.Op("Clip", [b.Op("Conv", [h, b.Initializer("w3", TestModels.Random(8 * 3, seed + 3, 0.5f), 8, 1, 3),
            b.Initializer("b3", TestModels.Random(8, seed + 4, 0.1f), 8)], ("group", 8L), ("pads", new long[] { 1, 1 })),
            b.Initializer("lo", [0f]), b.Initializer("hi", [6f])]);
        b.Node("Conv", [h, b.Initializer("w4", TestModels.Random(6 * 8, seed + 5, 0.4f), 6, 8, 1)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 6, 8);
        return b;
    }

    /// <summary>x [1, 4, 32] → Unsqueeze → Conv 1×3 pad 1, 4→8 + Relu → Squeeze → Unsqueeze → Conv 1×3 pad 1, 8→8 + Relu
    /// → Squeeze → Reshape [1, -1] → Gemm 256→5 → y [1, 5]: a 1-D CNN as TensorFlow's Conv1D exports (each convolution a
    /// 2-D one between Unsqueeze and Squeeze) with PyTorch's <c>view</c> before the classifier.</summary>
    public static OnnxModelBuilder Views1D(int seed = 1)
    {
        var b = new OnnxModelBuilder("views1d", 17);
        b.Input("x", ElementType.Float32, 1, 4, 32);
        string axes = b.Initializer("axes", new long[] { 2 }, 1);
        var h = b.Op("Unsqueeze", ["x", axes]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w1", TestModels.Random(8 * 4 * 3, seed, 0.3f), 8, 4, 1, 3),
            b.Initializer("b1", TestModels.Random(8, seed + 1, 0.1f), 8)], ("pads", new long[] { 0, 1, 0, 1 }))]);
        h = b.Op("Unsqueeze", [b.Op("Squeeze", [h, axes]), axes]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w2", TestModels.Random(8 * 8 * 3, seed + 2, 0.3f), 8, 8, 1, 3),
            b.Initializer("b2", TestModels.Random(8, seed + 3, 0.1f), 8)], ("pads", new long[] { 0, 1, 0, 1 }))]);
        h = b.Op("Reshape", [b.Op("Squeeze", [h, axes]), b.Initializer("flat", new long[] { 1, -1 }, 2)]);
        b.Node("Gemm", [h, b.Initializer("w3", TestModels.Random(5 * 256, seed + 4, 0.1f), 5, 256),
            b.Initializer("b3", TestModels.Random(5, seed + 5, 0.1f), 5)], ["y"], ("transB", 1L));
        b.Output("y", ElementType.Float32, 1, 5);
        return b;
    }

    /// <summary>x [1, 3, 10, 10] → Conv 3×3 pad 1, 3→8 + Relu → depthwise Conv 3×3 stride 2 pad 1 + Relu → Conv 1×1
    /// 8→12 + Relu → Flatten → Gemm 300→5 → y [1, 5].</summary>
    public static OnnxModelBuilder Cnn2D(int seed = 1)
    {
        var b = new OnnxModelBuilder("cnn2d", 17);
        b.Input("x", ElementType.Float32, 1, 3, 10, 10);
        var h = b.Op("Relu", [b.Op("Conv", ["x", b.Initializer("w1", TestModels.Random(8 * 3 * 9, seed, 0.3f), 8, 3, 3, 3),
            b.Initializer("b1", TestModels.Random(8, seed + 1, 0.1f), 8)], ("pads", new long[] { 1, 1, 1, 1 }))]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w2", TestModels.Random(8 * 9, seed + 2, 0.4f), 8, 1, 3, 3),
            b.Initializer("b2", TestModels.Random(8, seed + 3, 0.1f), 8)],
            ("group", 8L), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w3", TestModels.Random(12 * 8, seed + 4, 0.4f), 12, 8, 1, 1),
            b.Initializer("b3", TestModels.Random(12, seed + 5, 0.1f), 12)])]);
        h = b.Op("Flatten", [h]);
        b.Node("Gemm", [h, b.Initializer("w4", TestModels.Random(5 * 300, seed + 6, 0.1f), 5, 300),
            b.Initializer("b4", TestModels.Random(5, seed + 7, 0.1f), 5)], ["y"], ("transB", 1L));
        b.Output("y", ElementType.Float32, 1, 5);
        return b;
    }

    /// <summary>x [1, 1, 16, 16] → Conv 3×3 stride 2, 1→8 + Relu → depthwise Conv 3×3 + Relu → Conv 1×1 8→12 + Relu
    /// → GlobalAveragePool → Flatten → Gemm 12→5 → y [1, 5]: the shape of a depthwise-separable keyword-spotting CNN.</summary>
    public static OnnxModelBuilder DsCnn2D(int seed = 1)
    {
        var b = new OnnxModelBuilder("dscnn2d", 17);
        b.Input("x", ElementType.Float32, 1, 1, 16, 16);
        var h = b.Op("Relu", [b.Op("Conv", ["x", b.Initializer("w1", TestModels.Random(8 * 9, seed, 0.4f), 8, 1, 3, 3),
            b.Initializer("b1", TestModels.Random(8, seed + 1, 0.1f), 8)], ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w2", TestModels.Random(8 * 9, seed + 2, 0.4f), 8, 1, 3, 3),
            b.Initializer("b2", TestModels.Random(8, seed + 3, 0.1f), 8)], ("group", 8L), ("pads", new long[] { 1, 1, 1, 1 }))]);
        h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer("w3", TestModels.Random(12 * 8, seed + 4, 0.4f), 12, 8, 1, 1),
            b.Initializer("b3", TestModels.Random(12, seed + 5, 0.1f), 12)])]);
        h = b.Op("Flatten", [b.Op("GlobalAveragePool", [h])]);
        b.Node("Gemm", [h, b.Initializer("w4", TestModels.Random(5 * 12, seed + 6, 0.4f), 5, 12),
            b.Initializer("b4", TestModels.Random(5, seed + 7, 0.1f), 5)], ["y"], ("transB", 1L));
        b.Output("y", ElementType.Float32, 1, 5);
        return b;
    }

    /// <summary>x [steps, batch, input] → GRU (hidden, direction, linear_before_reset) → y = Y [steps, dirs, batch, hidden]; with
    /// <paramref name="head"/>, Y_h [dirs, batch, hidden] reshaped → Gemm → y [1, 1] instead (the benchmark GRU's shape).</summary>
    public static OnnxModelBuilder Gru(int seed = 1, int steps = 12, int batch = 1, int input = 6, int hidden = 32, string direction = "forward",
        bool linearBeforeReset = false, bool head = false, string[]? activations = null)
    {
        var b = new OnnxModelBuilder("gru", 17);
        int dirs = direction == "bidirectional" ? 2 : 1;
        b.Input("x", ElementType.Float32, steps, batch, input);
        var attributes = new List<(string, object)> { ("hidden_size", (long)hidden), ("direction", direction), ("linear_before_reset", linearBeforeReset ? 1L : 0L) };
        if (activations is not null) attributes.Add(("activations", activations));
        string[] inputs = ["x", b.Initializer("W", TestModels.Random(dirs * 3 * hidden * input, seed, 0.3f), dirs, 3 * hidden, input),
            b.Initializer("R", TestModels.Random(dirs * 3 * hidden * hidden, seed + 1, 0.2f), dirs, 3 * hidden, hidden),
            b.Initializer("B", TestModels.Random(dirs * 6 * hidden, seed + 2, 0.1f), dirs, 6 * hidden)];
        if (!head)
        {
            b.Node("GRU", inputs, ["y"], [.. attributes]);
            b.Output("y", ElementType.Float32, steps, dirs, batch, hidden);
            return b;
        }
        b.Node("GRU", inputs, ["", "last"], [.. attributes]);
        var flat = b.Op("Reshape", ["last", b.Initializer("shape", new long[] { 1, dirs * batch * hidden }, 2)]);
        b.Node("Gemm", [flat, b.Initializer("fc", TestModels.Random(dirs * batch * hidden, seed + 3, 0.3f), dirs * batch * hidden, 1)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 1);
        return b;
    }

    public static List<float[]> Samples(int count, int length, int seed)
    {
        var list = new List<float[]>();
        for (int i = 0; i < count; i++) list.Add(TestModels.Random(length, seed + i, 2f));
        return list;
    }

    /// <summary>Writes samples as raw float32 little-endian (.f32).</summary>
    public static string WriteF32(string dir, IEnumerable<float[]> samples, string name = "calib.f32")
    {
        string path = Path.Combine(dir, name);
        using var f = File.Create(path);
        var bytes = new byte[4];
        foreach (var s in samples)
            foreach (var v in s)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
                f.Write(bytes);
            }
        return path;
    }
}
