using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Benchmarks;

/// <summary>The models the benchmarks run: small, of the shapes vibration and audio models have, with
/// fixed seeds so every run measures the same weights.</summary>
public static class BenchmarkModels
{
    public static readonly string[] Names = ["mlp", "cnn1d", "gru", "dscnn2d"];

    /// <summary>Written by <c>write-models</c> for <c>edgetoken bench</c> too, not run by the BenchmarkDotNet suites.</summary>
    public static readonly string[] Extra = ["gru-lbr", "gru128", "gru64", "gru48"];

    public static string Path(string name)
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgetoken-bench");
        Directory.CreateDirectory(dir);
        string path = System.IO.Path.Combine(dir, name + ".onnx");
        Build(name).Save(path);
        return path;
    }

    public static OnnxModelBuilder Build(string name) => name switch
    {
        "mlp" => Mlp(),
        "cnn1d" => Cnn1D(),
        "gru" => Gru(),
        "gru-lbr" => Gru(linearBeforeReset: true),
        "gru128" => Gru(hidden: 128, input: 32, name: "gru128"),
        "gru64" => Gru(hidden: 64, input: 16, name: "gru64"),
        "gru48" => Gru(hidden: 48, input: 16, name: "gru48"),
        "dscnn2d" => DsCnn2D(),
        _ => throw new ArgumentException(name),
    };

    private static float[] W(Random rng, int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();

    /// <summary>Features of a vibration window (64) -> 128 -> 64 -> 8 classes.</summary>
    private static OnnxModelBuilder Mlp()
    {
        var rng = new Random(1);
        var b = new OnnxModelBuilder("mlp", 17);
        b.Input("x", ElementType.Float32, 1, 64);
        string h = "x";
        int width = 64;
        foreach (int next in new[] { 128, 64 })
        {
            h = b.Op("Relu", [b.Op("Gemm", [h, b.Initializer(b.Fresh("w"), W(rng, width * next, 0.1f), width, next), b.Initializer(b.Fresh("b"), W(rng, next, 0.1f), next)])]);
            width = next;
        }
        b.Node("Gemm", [h, b.Initializer("wo", W(rng, width * 8, 0.1f), width, 8), b.Initializer("bo", W(rng, 8, 0.1f), 8)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 8);
        return b;
    }

    /// <summary>Three-axis accelerometer window of 256 samples through a 1-D CNN with BatchNorm and pooling.</summary>
    private static OnnxModelBuilder Cnn1D()
    {
        var rng = new Random(2);
        var b = new OnnxModelBuilder("cnn1d", 17);
        b.Input("x", ElementType.Float32, 1, 3, 256);
        string h = "x";
        int c = 3;
        foreach (int outC in new[] { 16, 32, 32 })
        {
            h = b.Op("Conv", [h, b.Initializer(b.Fresh("w"), W(rng, outC * c * 5, 0.2f), outC, c, 5), b.Initializer(b.Fresh("b"), W(rng, outC, 0.1f), outC)],
                ("kernel_shape", new[] { 5 }), ("pads", new[] { 2, 2 }));
            h = b.Op("BatchNormalization", [h, b.Initializer(b.Fresh("s"), W(rng, outC, 0.2f).Select(v => 1 + v).ToArray(), outC),
                b.Initializer(b.Fresh("bb"), W(rng, outC, 0.1f), outC), b.Initializer(b.Fresh("m"), W(rng, outC, 0.1f), outC),
                b.Initializer(b.Fresh("v"), W(rng, outC, 0.2f).Select(v => 1 + v).ToArray(), outC)]);
            h = b.Op("Relu", [h]);
            h = b.Op("MaxPool", [h], ("kernel_shape", new[] { 2 }), ("strides", new[] { 2 }));
            c = outC;
        }
        h = b.Op("Flatten", [b.Op("GlobalAveragePool", [h])]);
        b.Node("Gemm", [h, b.Initializer("fc", W(rng, c * 4, 0.2f), c, 4), b.Initializer("fcb", W(rng, 4, 0.1f), 4)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 4);
        return b;
    }

    /// <summary>A GRU over 32 steps of 6 features (hidden 32), then a linear anomaly score; with
    /// <paramref name="linearBeforeReset"/> the candidate form PyTorch's GRU exports. The extras gru48, gru64 and gru128
    /// are wider (16 or 32 features), for where the int8 cell starts to pay (<c>RecurrentCostModel</c>).</summary>
    private static OnnxModelBuilder Gru(bool linearBeforeReset = false, int hidden = 32, int input = 6, string? name = null)
    {
        var rng = new Random(3);
        var b = new OnnxModelBuilder(name ?? (linearBeforeReset ? "gru-lbr" : "gru"), 17);
        b.Input("x", ElementType.Float32, 32, 1, input);
        int h = hidden;
        b.Node("GRU", ["x", b.Initializer("W", W(rng, 3 * h * input, 0.3f), 1, 3 * h, input), b.Initializer("R", W(rng, 3 * h * h, 0.2f), 1, 3 * h, h),
            b.Initializer("B", W(rng, 6 * h, 0.1f), 1, 6 * h)], ["seq", "last"], ("hidden_size", h), ("linear_before_reset", linearBeforeReset ? 1 : 0));
        var flat = b.Op("Reshape", ["last", b.Initializer("shape", new long[] { 1, h }, 2)]);
        b.Node("Gemm", [flat, b.Initializer("fc", W(rng, h, 0.3f), h, 1)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 1);
        return b;
    }

    /// <summary>A depthwise-separable 2-D CNN on a 32x32 log-mel patch (keyword-spotting shaped).</summary>
    private static OnnxModelBuilder DsCnn2D()
    {
        var rng = new Random(4);
        var b = new OnnxModelBuilder("dscnn2d", 17);
        b.Input("x", ElementType.Float32, 1, 1, 32, 32);
        int c = 16;
        string h = b.Op("Relu", [b.Op("Conv", ["x", b.Initializer("stem", W(rng, c * 9, 0.3f), c, 1, 3, 3), b.Initializer("stemb", W(rng, c, 0.1f), c)],
            ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 }), ("strides", new[] { 2, 2 }))]);
        for (int i = 0; i < 2; i++)
        {
            h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer(b.Fresh("dw"), W(rng, c * 9, 0.3f), c, 1, 3, 3)], ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 }), ("group", c))]);
            h = b.Op("Relu", [b.Op("Conv", [h, b.Initializer(b.Fresh("pw"), W(rng, 32 * c, 0.2f), 32, c, 1, 1)], ("kernel_shape", new[] { 1, 1 }))]);
            c = 32;
        }
        h = b.Op("Flatten", [b.Op("GlobalAveragePool", [h])]);
        b.Node("Gemm", [h, b.Initializer("fc", W(rng, c * 10, 0.2f), c, 10)], ["y"]);
        b.Output("y", ElementType.Float32, 1, 10);
        return b;
    }
}
