using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Planning;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Runs a graph's own plan over samples and records chosen float tensors, by making them graph outputs for the
/// duration (outputs keep their own arena buffers, so the planner cannot reuse them mid-run). The graph is left as it was.</summary>
public static class Calibrator
{
    /// <summary>For each target, its value for every sample, in sample order. A graph input's values are the samples.</summary>
    public static Dictionary<Value, List<float[]>> Collect(Graph graph, IReadOnlyList<Value> targets, IReadOnlyList<float[]> samples)
    {
        if (graph.Inputs.Count != 1 || graph.Inputs[0].Type != ElementType.Float32)
            throw new CompileException($"calibration needs a model with one float32 input; '{graph.Name}' has {graph.Inputs.Count}");
        var savedOutputs = graph.Outputs.ToList();
        var added = new List<Value>();
        foreach (var t in targets)
            if (!t.IsGraphInput && !t.IsConstant && !graph.Outputs.Contains(t))
            {
                graph.Outputs.Add(t);
                added.Add(t);
                t.IsGraphOutput = true;
            }
        try
        {
            var (plan, _) = PlanBuilder.Build(graph);
            var executor = new PlanExecutor(plan);
            var result = targets.Distinct().ToDictionary(t => t, _ => new List<float[]>());
            int expected = executor.Input<float>(0).Length;
            foreach (var sample in samples)
            {
                if (sample.Length != expected)
                    throw new CompileException($"a calibration sample has {sample.Length} values; input '{graph.Inputs[0].Name}' has {expected}");
                sample.CopyTo(executor.Input<float>(0));
                executor.Run();
                foreach (var (value, list) in result)
                    list.Add(value.IsGraphInput ? sample : executor.Output<float>(executor.OutputIndex(value.Name)).ToArray());
            }
            return result;
        }
        finally
        {
            graph.Outputs.Clear();
            graph.Outputs.AddRange(savedOutputs);
            foreach (var v in added) v.IsGraphOutput = false;
        }
    }
}
