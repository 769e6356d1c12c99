using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Differential;

/// <summary>
/// Seeded generators of small random models of the kinds sensor and audio applications deploy: MLPs,
/// 1-D and 2-D CNNs with depthwise blocks, LayerNorm stacks, GRU/LSTM sequence models, and broadcasting
/// arithmetic. The same (family, seed) always gives the same model.
/// </summary>
public static class RandomGraphs
{
    public const int Opset = 20;

    public static readonly string[] Families = ["mlp", "cnn1d", "cnn2d", "layernorm", "recurrent", "broadcast"];

    public static OnnxModelBuilder Create(string family, int seed) => family switch
    {
        "mlp" => Mlp(new Random(seed)),
        "cnn1d" => Cnn1D(new Random(seed)),
        "cnn2d" => Cnn2D(new Random(seed)),
        "layernorm" => LayerNormStack(new Random(seed)),
        "recurrent" => Recurrent(new Random(seed)),
        "broadcast" => Broadcast(new Random(seed)),
        _ => throw new ArgumentException(family),
    };

    private static float[] Weights(Random rng, int n, float scale) =>
        Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();

    private static T Pick<T>(Random rng, params T[] items) => items[rng.Next(items.Length)];

    private static string Activation(OnnxModelBuilder b, Random rng, string x)
    {
        return Pick(rng, 0, 1, 2, 3, 4, 5, 6) switch
        {
            0 => b.Op("Relu", [x]),
            1 => b.Op("Tanh", [x]),
            2 => b.Op("Sigmoid", [x]),
            3 => b.Op("LeakyRelu", [x], ("alpha", 0.1f)),
            4 => b.Op("Clip", [x, b.Initializer(b.Fresh("min"), [0f]), b.Initializer(b.Fresh("max"), [6f])]),
            5 => b.Op("HardSwish", [x]),
            _ => b.Op("Gelu", [x]),
        };
    }

    private static OnnxModelBuilder Mlp(Random rng)
    {
        var b = new OnnxModelBuilder("mlp", Opset);
        int batch = Pick(rng, 1, 1, 2, 4);
        int width = rng.Next(3, 40);
        b.Input("x", ElementType.Float32, batch, width);
        string h = "x";
        int layers = rng.Next(1, 5);
        for (int l = 0; l < layers; l++)
        {
            int next = rng.Next(2, 48);
            float scale = 1f / MathF.Sqrt(width);
            if (rng.Next(2) == 0)
            {
                bool transB = rng.Next(2) == 0;
                var w = b.Initializer(b.Fresh("w"), Weights(rng, width * next, scale), transB ? [next, width] : [width, next]);
                var bias = b.Initializer(b.Fresh("b"), Weights(rng, next, 0.5f), next);
                h = b.Op("Gemm", [h, w, bias], ("transB", transB ? 1 : 0), ("alpha", (float)(0.5 + rng.NextDouble())));
            }
            else
            {
                var w = b.Initializer(b.Fresh("w"), Weights(rng, width * next, scale), width, next);
                var bias = b.Initializer(b.Fresh("b"), Weights(rng, next, 0.5f), next);
                h = b.Op("Add", [b.Op("MatMul", [h, w]), bias]); // the pattern MatMulAddToGemm folds
            }
            if (rng.Next(3) > 0) h = Activation(b, rng, h);
            width = next;
        }
        if (rng.Next(2) == 0) h = b.Op(Pick(rng, "Softmax", "LogSoftmax"), [h], ("axis", -1));
        b.Node("Identity", [h], ["y"]);
        b.Output("y", ElementType.Float32, batch, width);
        return b;
    }

    private static OnnxModelBuilder Cnn1D(Random rng)
    {
        var b = new OnnxModelBuilder("cnn1d", Opset);
        int c = Pick(rng, 1, 2, 3, 6);
        int length = rng.Next(16, 96);
        b.Input("x", ElementType.Float32, 1, c, length);
        string h = "x";
        int blocks = rng.Next(1, 4);
        for (int i = 0; i < blocks && length >= 6; i++)
        {
            int k = Pick(rng, 1, 3, 5);
            int stride = Pick(rng, 1, 1, 2);
            int dilation = k > 1 ? Pick(rng, 1, 1, 2) : 1;
            int pad = rng.Next(0, k);
            int outC = rng.Next(2, 12);
            bool depthwise = c > 1 && rng.Next(3) == 0;
            int group = depthwise ? c : 1;
            if (depthwise) outC = c * Pick(rng, 1, 2);
            var w = b.Initializer(b.Fresh("w"), Weights(rng, outC * (c / group) * k, 1f / MathF.Sqrt(c / group * k)), outC, c / group, k);
            bool same = rng.Next(3) == 0;
            if (same) dilation = 1; // ONNX Runtime rejects dilated convolutions with SAME padding
            int padEnd = rng.Next(0, k);
            if (length + pad + padEnd - dilation * (k - 1) - 1 < 0) { pad = k; padEnd = k; }
            var attrs = new List<(string, object)> { ("kernel_shape", new[] { k }), ("strides", new[] { stride }), ("dilations", new[] { dilation }), ("group", group) };
            if (same) attrs.Add(("auto_pad", "SAME_UPPER"));
            else attrs.Add(("pads", new[] { pad, padEnd }));
            int convLength = same ? (length + stride - 1) / stride : (length + pad + padEnd - dilation * (k - 1) - 1) / stride + 1;
            var inputs = rng.Next(3) == 0 ? new[] { h, w } : [h, w, b.Initializer(b.Fresh("b"), Weights(rng, outC, 0.3f), outC)];
            h = b.Op("Conv", inputs, attrs.ToArray());
            if (rng.Next(2) == 0)
                h = b.Op("BatchNormalization", [h,
                    b.Initializer(b.Fresh("scale"), Weights(rng, outC, 1f).Select(v => 1f + 0.5f * v).ToArray(), outC),
                    b.Initializer(b.Fresh("beta"), Weights(rng, outC, 0.2f), outC),
                    b.Initializer(b.Fresh("mean"), Weights(rng, outC, 0.2f), outC),
                    b.Initializer(b.Fresh("var"), Weights(rng, outC, 0.4f).Select(v => 1f + v).ToArray(), outC)], ("epsilon", 1e-5f));
            h = Activation(b, rng, h);
            length = convLength;
            if (rng.Next(3) == 0 && length >= 4)
            {
                h = b.Op(Pick(rng, "MaxPool", "AveragePool"), [h], ("kernel_shape", new[] { 2 }), ("strides", new[] { 2 }));
                length /= 2;
            }
            c = outC;
        }
        h = b.Op(Pick(rng, "GlobalAveragePool", "GlobalMaxPool"), [h]);
        h = b.Op("Flatten", [h], ("axis", 1));
        int classes = rng.Next(2, 6);
        h = b.Op("Gemm", [h, b.Initializer(b.Fresh("fc"), Weights(rng, c * classes, 0.5f), c, classes), b.Initializer(b.Fresh("fcb"), Weights(rng, classes, 0.1f), classes)]);
        b.Node("Softmax", [h], ["y"], ("axis", 1));
        b.Output("y", ElementType.Float32, 1, classes);
        return b;
    }

    private static OnnxModelBuilder Cnn2D(Random rng)
    {
        var b = new OnnxModelBuilder("cnn2d", Opset);
        int c = Pick(rng, 1, 3, 4);
        int size = rng.Next(6, 20);
        b.Input("x", ElementType.Float32, 1, c, size, size + rng.Next(0, 4));
        string h = "x";
        int stem = rng.Next(4, 10);
        h = b.Op("Conv", [h, b.Initializer(b.Fresh("w"), Weights(rng, stem * c * 9, 1f / MathF.Sqrt(c * 9)), stem, c, 3, 3), b.Initializer(b.Fresh("b"), Weights(rng, stem, 0.2f), stem)],
            ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 }), ("strides", new[] { Pick(rng, 1, 2), Pick(rng, 1, 2) }));
        h = Activation(b, rng, h);
        c = stem;
        int blocks = rng.Next(1, 3);
        for (int i = 0; i < blocks; i++)
        {
            // A MobileNet block: depthwise 3x3, BN, activation, pointwise 1x1.
            h = b.Op("Conv", [h, b.Initializer(b.Fresh("dw"), Weights(rng, c * 9, 1f / 3f), c, 1, 3, 3)],
                ("kernel_shape", new[] { 3, 3 }), ("group", c), ("auto_pad", Pick(rng, "SAME_UPPER", "SAME_LOWER")), ("dilations", new[] { 1, 1 }));
            h = b.Op("BatchNormalization", [h,
                b.Initializer(b.Fresh("scale"), Weights(rng, c, 0.3f).Select(v => 1f + v).ToArray(), c),
                b.Initializer(b.Fresh("beta"), Weights(rng, c, 0.2f), c),
                b.Initializer(b.Fresh("mean"), Weights(rng, c, 0.2f), c),
                b.Initializer(b.Fresh("var"), Weights(rng, c, 0.4f).Select(v => 1f + v).ToArray(), c)]);
            h = Activation(b, rng, h);
            int outC = rng.Next(4, 16);
            h = b.Op("Conv", [h, b.Initializer(b.Fresh("pw"), Weights(rng, outC * c, 1f / MathF.Sqrt(c)), outC, c, 1, 1)], ("kernel_shape", new[] { 1, 1 }));
            h = Activation(b, rng, h);
            c = outC;
        }
        if (rng.Next(2) == 0) h = b.Op("MaxPool", [h], ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 1, 1 }));
        h = b.Op("GlobalAveragePool", [h]);
        h = b.Op("Flatten", [h]);
        int classes = rng.Next(2, 8);
        b.Node("Gemm", [h, b.Initializer(b.Fresh("fc"), Weights(rng, classes * c, 0.4f), classes, c)], ["y"], ("transB", 1));
        b.Output("y", ElementType.Float32, 1, classes);
        return b;
    }

    private static OnnxModelBuilder LayerNormStack(Random rng)
    {
        var b = new OnnxModelBuilder("layernorm", Opset);
        int t = rng.Next(1, 12), d = Pick(rng, 4, 8, 12, 16, 32);
        b.Input("x", ElementType.Float32, 1, t, d);
        string h = "x";
        int layers = rng.Next(1, 4);
        for (int l = 0; l < layers; l++)
        {
            var gamma = b.Initializer(b.Fresh("gamma"), Weights(rng, d, 0.3f).Select(v => 1f + v).ToArray(), d);
            var beta = b.Initializer(b.Fresh("beta"), Weights(rng, d, 0.2f), d);
            string normed;
            if (rng.Next(2) == 0)
            {
                normed = b.Op("LayerNormalization", [h, gamma, beta], ("axis", -1), ("epsilon", 1e-5f));
            }
            else
            {
                // The decomposition PyTorch exports before opset 17 (LayerNormFusion must recognise it).
                var axes = b.Initializer(b.Fresh("axes"), new long[] { -1 }, 1);
                var mean = b.Op("ReduceMean", [h, axes], ("keepdims", 1));
                var diff = b.Op("Sub", [h, mean]);
                var sq = b.Op("Pow", [diff, b.Initializer(b.Fresh("two"), [2f])]);
                var variance = b.Op("ReduceMean", [sq, axes], ("keepdims", 1));
                var std = b.Op("Sqrt", [b.Op("Add", [variance, b.Initializer(b.Fresh("eps"), [1e-5f])])]);
                normed = b.Op("Add", [b.Op("Mul", [b.Op("Div", [diff, std]), gamma]), beta]);
            }
            var w1 = b.Initializer(b.Fresh("w1"), Weights(rng, d * 2 * d, 1f / MathF.Sqrt(d)), d, 2 * d);
            var ff = b.Op("Add", [b.Op("MatMul", [normed, w1]), b.Initializer(b.Fresh("b1"), Weights(rng, 2 * d, 0.1f), 2 * d)]);
            ff = b.Op(Pick(rng, "Gelu", "Relu", "Tanh"), [ff]);
            var w2 = b.Initializer(b.Fresh("w2"), Weights(rng, 2 * d * d, 1f / MathF.Sqrt(2 * d)), 2 * d, d);
            h = b.Op("Add", [h, b.Op("MatMul", [ff, w2])]); // residual
        }
        b.Node("ReduceMean", [h, b.Initializer("mean_axes", new long[] { 1 }, 1)], ["y"], ("keepdims", 0));
        b.Output("y", ElementType.Float32, 1, d);
        return b;
    }

    private static OnnxModelBuilder Recurrent(Random rng)
    {
        var b = new OnnxModelBuilder("recurrent", Opset);
        int steps = rng.Next(2, 24), input = rng.Next(1, 10), hidden = rng.Next(2, 24);
        string cell = Pick(rng, "GRU", "LSTM", "RNN");
        string direction = Pick(rng, "forward", "reverse", "bidirectional");
        int dirs = direction == "bidirectional" ? 2 : 1;
        int gates = cell switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        b.Input("x", ElementType.Float32, steps, 1, input);
        float scale = 1f / MathF.Sqrt(hidden);
        var w = b.Initializer(b.Fresh("W"), Weights(rng, dirs * gates * hidden * input, scale), dirs, gates * hidden, input);
        var r = b.Initializer(b.Fresh("R"), Weights(rng, dirs * gates * hidden * hidden, scale), dirs, gates * hidden, hidden);
        var bias = b.Initializer(b.Fresh("B"), Weights(rng, dirs * 2 * gates * hidden, 0.2f), dirs, 2 * gates * hidden);
        var attrs = new List<(string, object)> { ("hidden_size", hidden), ("direction", direction) };
        if (cell == "GRU" && rng.Next(2) == 0) attrs.Add(("linear_before_reset", 1));
        var outputs = cell == "LSTM" ? new[] { "seq", "last", "" } : ["seq", "last"];
        b.Node(cell, [.. new[] { "x", w, r, bias }], outputs, attrs.ToArray());
        string h = b.Op("Reshape", ["last", b.Initializer("flat_shape", new long[] { 1, dirs * hidden }, 2)]);
        int classes = rng.Next(2, 6);
        h = b.Op("Gemm", [h, b.Initializer(b.Fresh("fc"), Weights(rng, dirs * hidden * classes, 0.3f), dirs * hidden, classes)]);
        b.Node("Sigmoid", [h], ["y"]);
        b.Output("y", ElementType.Float32, 1, classes);
        return b;
    }

    private static OnnxModelBuilder Broadcast(Random rng)
    {
        var b = new OnnxModelBuilder("broadcast", Opset);
        int d0 = rng.Next(1, 4), d1 = rng.Next(1, 6), d2 = rng.Next(1, 9);
        b.Input("a", ElementType.Float32, d0, d1, d2);
        b.Input("b", ElementType.Float32, d1, 1);
        string h = "a";
        int ops = rng.Next(2, 8);
        for (int i = 0; i < ops; i++)
        {
            string other = Pick(rng, 0, 1, 2, 3) switch
            {
                0 => "b",
                1 => b.Initializer(b.Fresh("row"), Weights(rng, d2, 1f), d2),
                2 => b.Initializer(b.Fresh("scalar"), Weights(rng, 1, 2f)),
                _ => b.Initializer(b.Fresh("cube"), Weights(rng, d1 * d2, 1f), 1, d1, d2),
            };
            h = Pick(rng, 0, 1, 2, 3, 4, 5, 6) switch
            {
                0 => b.Op("Add", [h, other]),
                1 => b.Op("Sub", [other, h]),
                2 => b.Op("Mul", [h, other]),
                3 => b.Op("Div", [h, b.Op("Add", [b.Op("Abs", [other]), b.Initializer(b.Fresh("one"), [1f])])]),
                4 => b.Op("Sqrt", [b.Op("Add", [b.Op("Abs", [h]), b.Initializer(b.Fresh("eps"), [0.1f])])]),
                5 => b.Op("Exp", [b.Op("Clip", [h, b.Initializer(b.Fresh("lo"), [-3f]), b.Initializer(b.Fresh("hi"), [3f])])]),
                _ => b.Op("Pow", [b.Op("Abs", [h]), b.Initializer(b.Fresh("p"), [(float)(0.5 + rng.NextDouble())])]),
            };
        }
        b.Node("Neg", [h], ["y"]);
        b.Output("y", ElementType.Float32, null);
        return b;
    }
}
