using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Passes;

namespace EdgeToken.Compiler.Tests.Passes;

/// <summary>Compiles a model with only one pass enabled and with none, and checks both compute the same.</summary>
internal static class PassTestKit
{
    public static readonly string[] AllPasses = PassPipeline.Default().Select(p => p.Name).Distinct().ToArray();

    public static CompileOptions Only(string pass) => new() { DisabledPasses = AllPasses.Where(p => p != pass).ToHashSet() };

    /// <returns>The compiled model with only <paramref name="pass"/> enabled.</returns>
    public static CompiledModel CheckNumerics(OnnxModelBuilder builder, string pass, params float[][] inputs)
    {
        string path = TestModels.Save(builder);
        var reference = TestModels.Run(path, new CompileOptions { Optimize = false }, inputs);
        var optimised = TestModels.Run(path, Only(pass), inputs);
        TestModels.AssertClose(reference, optimised);
        return ModelCompiler.CompileFile(path, Only(pass));
    }

    public static string[] Ops(CompiledModel compiled) => compiled.Plan.Steps.Select(s => s.OpType).ToArray();
}
