using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Graphs;

/// <summary>A tensor of the graph: a graph input, an initializer (constant) or a node output.</summary>
public sealed class Value
{
    public Value(string name) => Name = name;

    public string Name { get; set; }
    public ElementType Type { get; set; }
    /// <summary>The static shape after binding and shape inference; null before.</summary>
    public int[]? Dims { get; set; }
    /// <summary>The shape the model declares (may hold symbols); null when it declares none.</summary>
    public Dim[]? DeclaredDims { get; set; }
    /// <summary>The value, when it is known at compile time. Its bytes stay where the model was read.</summary>
    public ConstantTensor? Constant { get; set; }
    public Node? Producer { get; set; }
    public bool IsGraphInput { get; set; }
    public bool IsGraphOutput { get; set; }

    public bool IsConstant => Constant is not null;
    public TensorInfo Info => Dims is null ? TensorInfo.Missing : new TensorInfo(Type, Dims);

    public override string ToString() => $"{Name}: {(Dims is null ? "?" : Info.ToString())}";
}
