namespace EdgeToken.Compiler.Graphs;

/// <summary>The typed graph IR: values, nodes in schedule order, inputs and outputs.</summary>
public sealed class Graph
{
    public Graph(string name, int opset)
    {
        Name = name;
        Opset = opset;
    }

    public string Name { get; }
    /// <summary>The ai.onnx opset the model imports; passed to every operator.</summary>
    public int Opset { get; }
    public List<Node> Nodes { get; } = [];
    public List<Value> Inputs { get; } = [];
    public List<Value> Outputs { get; } = [];
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Every node that reads each value, with the input position. Rebuilt on demand because
    /// passes rewrite the graph.</summary>
    public Dictionary<Value, List<(Node Node, int Index)>> BuildUses()
    {
        var uses = new Dictionary<Value, List<(Node, int)>>();
        foreach (var node in Nodes)
            for (int i = 0; i < node.Inputs.Count; i++)
                if (node.Inputs[i] is { } v)
                {
                    if (!uses.TryGetValue(v, out var list)) uses[v] = list = [];
                    list.Add((node, i));
                }
        return uses;
    }

    /// <summary>Values read by any node or by the graph's outputs.</summary>
    public IEnumerable<Value> AllValues()
    {
        var seen = new HashSet<Value>();
        foreach (var v in Inputs) if (seen.Add(v)) yield return v;
        foreach (var n in Nodes)
        {
            foreach (var v in n.Inputs) if (v is not null && seen.Add(v)) yield return v;
            foreach (var v in n.Outputs) if (v is not null && seen.Add(v)) yield return v;
        }
        foreach (var v in Outputs) if (seen.Add(v)) yield return v;
    }

    /// <summary>Makes every reader of <paramref name="old"/> read <paramref name="replacement"/> instead,
    /// graph outputs included.</summary>
    public void ReplaceAllUses(Value old, Value replacement)
    {
        foreach (var node in Nodes)
            for (int i = 0; i < node.Inputs.Count; i++)
                if (ReferenceEquals(node.Inputs[i], old)) node.Inputs[i] = replacement;
        for (int i = 0; i < Outputs.Count; i++)
            if (ReferenceEquals(Outputs[i], old))
            {
                Outputs[i] = replacement;
                replacement.IsGraphOutput = true;
            }
    }

    /// <summary>Orders nodes so every producer runs before its readers (Kahn's algorithm, stable with the
    /// model's order). Throws when the graph has a cycle.</summary>
    public void SortTopologically()
    {
        var pending = new Dictionary<Node, int>();
        var readers = new Dictionary<Value, List<Node>>();
        foreach (var node in Nodes)
        {
            int count = 0;
            foreach (var v in node.Inputs)
            {
                if (v?.Producer is null) continue;
                count++;
                if (!readers.TryGetValue(v, out var list)) readers[v] = list = [];
                list.Add(node);
            }
            pending[node] = count;
        }
        var order = new List<Node>(Nodes.Count);
        var ready = new PriorityQueue<Node, int>();
        var position = new Dictionary<Node, int>();
        for (int i = 0; i < Nodes.Count; i++) position[Nodes[i]] = i;
        foreach (var node in Nodes) if (pending[node] == 0) ready.Enqueue(node, position[node]);
        while (ready.TryDequeue(out var node, out _))
        {
            order.Add(node);
            foreach (var output in node.Outputs)
                if (output is not null && readers.TryGetValue(output, out var list))
                    foreach (var reader in list)
                        if (--pending[reader] == 0) ready.Enqueue(reader, position[reader]);
        }
        if (order.Count != Nodes.Count)
        {
            var stuck = Nodes.First(n => !order.Contains(n));
            throw new CompileException($"the graph has a cycle through node {stuck}");
        }
        Nodes.Clear();
        Nodes.AddRange(order);
    }
}
