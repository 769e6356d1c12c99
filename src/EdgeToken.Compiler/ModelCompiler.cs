using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Passes;
using EdgeToken.Compiler.Planning;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Compiler;

/// <summary>The result of compiling a model.</summary>
public sealed record CompiledModel(Graph Graph, Plan Plan, PlanStatistics Statistics, IReadOnlyList<(string Pass, int Rewrites)> Passes);

/// <summary>ONNX in, statically planned graph out: import, bind, infer, optimise, plan.</summary>
public static class ModelCompiler
{
    public static CompiledModel CompileFile(string onnxPath, CompileOptions? options = null) =>
        Compile(OnnxImporter.Load(onnxPath), options);

    public static CompiledModel Compile(Graph graph, CompileOptions? options = null)
    {
        options ??= new CompileOptions();
        ShapeInference.BindInputs(graph, options.Bindings);
        ShapeInference.Infer(graph);
        var log = options.Optimize
            ? PassPipeline.Run(graph, PassPipeline.Default(), options.DisabledPasses)
            : [];
        var (plan, stats) = PlanBuilder.Build(graph);
        return new CompiledModel(graph, plan, stats, log);
    }
}
