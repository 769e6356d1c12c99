using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Planning;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Plans;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Manifests;

/// <summary>
/// The "plan" of a pipeline whose model ONNX Runtime runs: no steps, an arena that holds only the model input
/// (offset 0) and its first output (64-byte aligned after it), both from the graph's declared shapes with the
/// manifest's bindings, and the ONNX file itself as the weights, which the generated class keeps as static data
/// and hands to ONNX Runtime. The operators are never looked at, so models EdgeToken cannot run still build.
/// </summary>
public static class OnnxRuntimeIo
{
    /// <summary>Manifest names of the execution providers (EdgeToken.Runtime.OnnxRuntime maps each to ONNX Runtime's).</summary>
    public static readonly IReadOnlyList<string> KnownProviders = ["qnn", "nnapi", "xnnpack", "coreml", "cuda", "dnnl", "openvino", "cpu"];

    public static CompiledModel? Plan(Graph graph, IReadOnlyDictionary<string, int> bindings, byte[] model, out string? problem)
    {
        var input = graph.Inputs[0];
        var output = graph.Outputs[0];
        var inputDims = Resolve(input, bindings, out problem);
        if (inputDims is null) return null;
        var outputDims = Resolve(output, bindings, out problem);
        if (outputDims is null) return null;
        int inputBytes = checked((int)Shape.ElementCount(inputDims) * input.Type.SizeOf());
        int outputBytes = checked((int)Shape.ElementCount(outputDims) * output.Type.SizeOf());
        int outputOffset = (inputBytes + 63) & ~63;
        var plan = new Plan
        {
            Name = graph.Name,
            Tensors =
            [
                new PlanTensor(input.Name, input.Type, inputDims, SlotKind.Arena, 0, inputBytes),
                new PlanTensor(output.Name, output.Type, outputDims, SlotKind.Arena, outputOffset, outputBytes),
            ],
            Steps = [],
            Inputs = [0],
            Outputs = [1],
            ArenaBytes = outputOffset + outputBytes,
            ScratchBytes = 0,
            Weights = model,
        };
        var statistics = new PlanStatistics(plan.ArenaBytes, plan.ArenaBytes, plan.ArenaBytes, model.Length, 0, 0, 0, 0);
        return new CompiledModel(graph, plan, statistics, []);
    }

    private static int[]? Resolve(Value value, IReadOnlyDictionary<string, int> bindings, out string? problem)
    {
        problem = null;
        var declared = value.DeclaredDims ?? [];
        var dims = new int[declared.Length];
        for (int i = 0; i < declared.Length; i++)
        {
            if (declared[i].IsStatic) { dims[i] = checked((int)declared[i].Value); continue; }
            string key = declared[i].Symbol ?? $"{value.Name}:{i}";
            if (bindings.TryGetValue(key, out int size) || bindings.TryGetValue($"{value.Name}:{i}", out size)) { dims[i] = size; continue; }
            problem = $"'{value.Name}' dimension {i} ({(declared[i].Symbol is null ? "unnamed" : $"'{declared[i].Symbol}'")}) is dynamic; the onnxruntime backend pre-allocates its input and output, so bind it in the manifest: \"dimensions\": {{ \"{key}\": 1 }}";
            return null;
        }
        return dims;
    }
}
