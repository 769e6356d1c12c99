using EdgeToken.Runtime.Operators;

namespace EdgeToken.Compiler.Graphs;

/// <summary>One operator application. A null input or output is an omitted optional one.</summary>
public sealed class Node
{
    public Node(string name, string opType, NodeAttributes attributes, IEnumerable<Value?> inputs, IEnumerable<Value?> outputs)
    {
        Name = name;
        OpType = opType;
        Attributes = attributes;
        Inputs = [.. inputs];
        Outputs = [.. outputs];
    }

    public string Name { get; }
    public string OpType { get; set; }
    public NodeAttributes Attributes { get; set; }
    public List<Value?> Inputs { get; }
    public List<Value?> Outputs { get; }

    public Value? Input(int i) => i < Inputs.Count ? Inputs[i] : null;
    public Value? Output(int i) => i < Outputs.Count ? Outputs[i] : null;

    public override string ToString() => $"{OpType} '{Name}'";
}
