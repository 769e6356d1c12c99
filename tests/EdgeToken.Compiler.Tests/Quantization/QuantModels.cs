using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Quantization;

/// <summary>Small float models and calibration files for the quantizer tests.</summary>
internal static class QuantModels
{
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
