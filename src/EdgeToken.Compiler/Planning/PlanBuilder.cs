using EdgeToken.Compiler.Graphs;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Compiler.Planning;

/// <summary>Turns a shape-inferred, optimised graph into a <see cref="Plan"/>: liveness analysis over the
/// schedule, buffers shared by views and in-place kernels, offsets from <see cref="MemoryPlanner"/>,
/// and the weights packed once into an aligned block.</summary>
public static class PlanBuilder
{
    public static (Plan Plan, PlanStatistics Statistics) Build(Graph graph)
    {
        MaterializeOutputs(graph);
        var nodes = graph.Nodes;
        int end = nodes.Count; // a step after the last: pinned buffers live until then

        var lastUse = new Dictionary<Value, int>();
        for (int i = 0; i < nodes.Count; i++)
            foreach (var v in nodes[i].Inputs)
                if (v is not null) lastUse[v] = i;
        foreach (var v in graph.Outputs) lastUse[v] = end;

        var buffers = new List<ArenaBuffer>();
        var bufferOf = new Dictionary<Value, ArenaBuffer>();
        var pinned = new HashSet<ArenaBuffer>();
        long naive = 0;
        foreach (var input in graph.Inputs)
        {
            var b = new ArenaBuffer(input.Info.ByteCount, -1, end);
            buffers.Add(b);
            pinned.Add(b);
            bufferOf[input] = b;
            naive += MemoryPlanner.Align(b.Bytes);
        }

        int scratch = 0, inPlace = 0, views = 0;
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var context = ShapeInference.InferredContext(graph, node, out var op);
            var kernel = op.CreateKernel(context);
            scratch = Math.Max(scratch, kernel.ScratchBytes);
            bool isView = op.IsView(context);
            int inPlaceInput = op.InPlaceInput(context);
            for (int o = 0; o < node.Outputs.Count; o++)
            {
                var value = node.Outputs[o];
                if (value is null) continue;
                long bytes = value.Info.ByteCount;
                naive += MemoryPlanner.Align(bytes);
                int last = lastUse.TryGetValue(value, out int l) ? l : i;
                ArenaBuffer? shared = null;
                if (o == 0 && isView && node.Input(0) is { IsConstant: false } source && bufferOf[source].Bytes == bytes)
                {
                    shared = bufferOf[source];
                    views++;
                }
                else if (o == 0 && inPlaceInput >= 0 && node.Input(inPlaceInput) is { IsConstant: false } target
                         && bufferOf[target] is var candidate && !pinned.Contains(candidate)
                         && candidate.LastStep == i && candidate.Bytes == bytes)
                {
                    shared = candidate;
                    inPlace++;
                }
                if (shared is not null)
                {
                    shared.LastStep = Math.Max(shared.LastStep, last);
                    bufferOf[value] = shared;
                }
                else
                {
                    var b = new ArenaBuffer(bytes, i, last);
                    buffers.Add(b);
                    bufferOf[value] = b;
                    shared = b;
                }
                if (value.IsGraphOutput) pinned.Add(shared);
            }
        }

        long lowerBound = MemoryPlanner.LowerBound(buffers);
        long arena = MemoryPlanner.Place(buffers);
        if (arena > int.MaxValue) throw new CompileException($"the model needs {arena} bytes of activations, more than one arena can hold");

        // Tensors: every value any step or the graph touches; weights packed in first-use order.
        var tensors = new List<PlanTensor>();
        var index = new Dictionary<Value, int>();
        using var weights = new MemoryStream();
        int Register(Value v)
        {
            if (index.TryGetValue(v, out int existing)) return existing;
            PlanTensor t;
            if (v.Constant is { } c)
            {
                long offset = MemoryPlanner.Align(weights.Length);
                weights.SetLength(offset);
                weights.Position = offset;
                weights.Write(c.Bytes.Span);
                t = new PlanTensor(v.Name, v.Type, v.Dims!, SlotKind.Weight, (int)offset, c.Bytes.Length);
            }
            else
            {
                var b = bufferOf[v];
                t = new PlanTensor(v.Name, v.Type, v.Dims!, SlotKind.Arena, (int)b.Offset, (int)v.Info.ByteCount);
            }
            index[v] = tensors.Count;
            tensors.Add(t);
            return tensors.Count - 1;
        }
        var inputs = graph.Inputs.Select(Register).ToArray();
        var steps = new PlanStep[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            steps[i] = new PlanStep(n.Name, n.OpType, graph.Opset, n.Attributes,
                n.Inputs.Select(v => v is null ? -1 : Register(v)).ToArray(),
                n.Outputs.Select(v => v is null ? -1 : Register(v)).ToArray());
        }
        var outputs = graph.Outputs.Select(Register).ToArray();
        long weightBytes = tensors.Where(t => t.Kind == SlotKind.Weight).Sum(t => (long)t.Length);

        var metadata = new Dictionary<string, string>(graph.Metadata, StringComparer.Ordinal)
        {
            ["edgetoken.opset"] = graph.Opset.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var plan = new Plan
        {
            Name = graph.Name,
            Tensors = [.. tensors],
            Steps = steps,
            Inputs = inputs,
            Outputs = outputs,
            ArenaBytes = (int)arena,
            ScratchBytes = scratch,
            Weights = weights.ToArray(),
            Metadata = metadata,
        };
        return (plan, new PlanStatistics(arena, naive, lowerBound, weightBytes, scratch, nodes.Count, inPlace, views));
    }

    /// <summary>Gives every graph output its own computed arena tensor: an output that is a constant, a
    /// graph input, or listed twice gets a copy step, so callers always read outputs from the arena.</summary>
    private static void MaterializeOutputs(Graph graph)
    {
        for (int i = 0; i < graph.Outputs.Count; i++)
        {
            var v = graph.Outputs[i];
            bool duplicate = graph.Outputs.IndexOf(v) < i;
            if (!v.IsConstant && !v.IsGraphInput && !duplicate) continue;
            var copy = new Value(v.Name) { Type = v.Type, Dims = v.Dims, IsGraphOutput = true };
            var node = new Node($"{v.Name}_output_copy_{i}", "Identity", NodeAttributes.Empty, [v], [copy]);
            copy.Producer = node;
            graph.Nodes.Add(node);
            graph.Outputs[i] = copy;
            v.IsGraphOutput = graph.Outputs.Contains(v);
        }
    }
}
