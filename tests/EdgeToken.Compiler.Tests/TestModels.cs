using EdgeToken.Compiler;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests;

/// <summary>Shared helpers: temporary files, compiling a built model, running it.</summary>
internal static class TestModels
{
    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "edgetoken-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Save(OnnxModelBuilder builder, string? dir = null, string name = "model.onnx")
    {
        string path = Path.Combine(dir ?? TempDir(), name);
        builder.Save(path);
        return path;
    }

    public static float[] Random(int n, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
    }

    /// <summary>Compiles and runs a model file on float inputs; returns output 0.</summary>
    public static float[] Run(string path, CompileOptions options, params float[][] inputs)
    {
        var compiled = ModelCompiler.CompileFile(path, options);
        var executor = new PlanExecutor(compiled.Plan);
        for (int i = 0; i < inputs.Length; i++) inputs[i].CopyTo(executor.Input<float>(i));
        executor.Run();
        return executor.Output<float>(0).ToArray();
    }

    public static void AssertClose(float[] expected, float[] actual, double relative = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        double magnitude = expected.Max(v => Math.Abs((double)v));
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= relative * Math.Max(magnitude, 1e-6), $"largest difference {worst:E3} exceeds {relative:E1} of magnitude {magnitude:E3}");
    }
}
