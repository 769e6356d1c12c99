using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Graphs;

/// <summary>Binds dynamic input dimensions and infers every tensor's type and static shape, node by node,
/// with the same operator definitions the runtime's kernels use.</summary>
public static class ShapeInference
{
    /// <summary>Gives every graph input a static shape. A symbolic dimension is bound by its name
    /// ("batch"); an anonymous one by "input:index" ("x:0").</summary>
    public static void BindInputs(Graph graph, IReadOnlyDictionary<string, int> bindings)
    {
        foreach (var input in graph.Inputs)
        {
            if (input.DeclaredDims is null)
                throw new CompileException($"input '{input.Name}' declares no shape; EdgeToken needs a static shape for every input");
            var dims = new int[input.DeclaredDims.Length];
            for (int i = 0; i < dims.Length; i++)
            {
                var d = input.DeclaredDims[i];
                if (d.IsStatic) { dims[i] = checked((int)d.Value); continue; }
                string key = d.Symbol ?? $"{input.Name}:{i}";
                if (!bindings.TryGetValue(key, out dims[i]) && !bindings.TryGetValue($"{input.Name}:{i}", out dims[i]))
                    throw new CompileException(
                        $"input '{input.Name}' dimension {i} ({(d.Symbol is null ? "unnamed" : $"'{d.Symbol}'")}) is dynamic and not bound; bind it to a size (edgetoken: --bind {key}=1, manifest: \"dimensions\": {{ \"{key}\": 1 }})");
                if (dims[i] < 0) throw new CompileException($"binding {key}={dims[i]} is negative");
            }
            input.Dims = dims;
        }
    }

    /// <summary>Infers the outputs of every node, in schedule order. Throws <see cref="CompileException"/>
    /// naming the node on any contradiction, <see cref="UnsupportedModelException"/> for what EdgeToken does not run.</summary>
    public static void Infer(Graph graph)
    {
        var folded = new List<Node>();
        foreach (var node in graph.Nodes)
        {
            var context = CreateContext(graph, node, out var op);
            try
            {
                op.InferOutputs(context);
            }
            catch (ShapeException e)
            {
                throw new CompileException($"{node}: {e.Message} (inputs {string.Join(", ", node.Inputs.Select(v => v?.ToString() ?? "(none)"))})");
            }
            catch (UnsupportedOperatorException e)
            {
                throw new UnsupportedModelException(Prefixed(node, e.Message));
            }
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                var value = node.Outputs[o];
                if (value is null) continue;
                var info = context.Output(o);
                if (info.IsMissing) throw new CompileException($"{node}: output {o} ('{value.Name}') is not produced");
                value.Type = info.Type;
                value.Dims = info.Dims;
            }
            // A DequantizeLinear of constant int8 weights stays for QdqFolding, which needs the int8 values and scales;
            // the constant-folding pass after it folds whatever is left. No shape ever depends on a dequantized value.
            if (node.OpType != "DequantizeLinear" && Passes.ConstantFolding.TryFold(graph, node)) folded.Add(node);
        }
        foreach (var node in folded) graph.Nodes.Remove(node);
        foreach (var output in graph.Outputs)
        {
            if (output.Dims is null) throw new CompileException($"graph output '{output.Name}' has no inferred shape");
            if (output.DeclaredDims is { } declared && declared.Length == output.Dims.Length)
                for (int i = 0; i < declared.Length; i++)
                    if (declared[i].IsStatic && declared[i].Value != output.Dims[i])
                        throw new CompileException($"graph output '{output.Name}' is declared {string.Join("x", declared)} but computes to {Shape.Format(output.Dims)}");
        }
    }

    /// <summary>Names the node in a message, unless the operator already did.</summary>
    private static string Prefixed(Node node, string message) =>
        message.Contains($"'{node.Name}'", StringComparison.Ordinal) ? message : $"{node}: {message}";

    /// <summary>The operator's view of a node whose inputs are already typed.</summary>
    public static NodeContext CreateContext(Graph graph, Node node, out OperatorDefinition op)
    {
        if (!OperatorRegistry.TryGet(node.OpType, out op))
            throw new UnsupportedModelException($"{node}: operator {node.OpType} is not supported by the generated backend (use the onnxruntime backend for this model)");
        var infos = new TensorInfo[node.Inputs.Count];
        var constants = new ConstantTensor?[node.Inputs.Count];
        for (int i = 0; i < infos.Length; i++)
        {
            var v = node.Inputs[i];
            if (v is null) { infos[i] = TensorInfo.Missing; continue; }
            if (v.Dims is null) throw new CompileException($"{node}: input '{v.Name}' has no shape yet");
            infos[i] = v.Info;
            constants[i] = v.Constant;
        }
        var context = new NodeContext(node.Name, node.OpType, graph.Opset, node.Attributes, infos, constants, node.Outputs.Count);
        return context;
    }

    /// <summary>A context whose outputs are already filled, as kernel creation needs.</summary>
    public static NodeContext InferredContext(Graph graph, Node node, out OperatorDefinition op)
    {
        var context = CreateContext(graph, node, out op);
        try { op.InferOutputs(context); }
        catch (ShapeException e) { throw new CompileException($"{node}: {e.Message}"); }
        catch (UnsupportedOperatorException e) { throw new UnsupportedModelException(Prefixed(node, e.Message)); }
        for (int o = 0; o < node.Outputs.Count; o++)
            if (node.Outputs[o] is null) context.MarkOutputUnused(o);
        return context;
    }
}
