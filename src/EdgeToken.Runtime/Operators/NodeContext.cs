using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Operators;

/// <summary>What an operator sees of one node: attributes, opset, the types and shapes of its inputs, the
/// values of its constant inputs, and (after inference) its outputs. Shape inference fills the outputs;
/// kernel creation reads them.</summary>
public sealed class NodeContext
{
    private readonly TensorInfo[] _inputs;
    private readonly ConstantTensor?[] _constants;
    private readonly TensorInfo[] _outputs;

    public NodeContext(string nodeName, string opType, int opset, NodeAttributes attributes,
        TensorInfo[] inputs, ConstantTensor?[] constants, int outputCount)
    {
        if (constants.Length != inputs.Length) throw new ArgumentException("one constant slot per input");
        NodeName = nodeName;
        OpType = opType;
        Opset = opset;
        Attributes = attributes;
        _inputs = inputs;
        _constants = constants;
        _outputs = new TensorInfo[outputCount];
        Array.Fill(_outputs, TensorInfo.Missing);
    }

    public string NodeName { get; }
    public string OpType { get; }
    /// <summary>The ai.onnx opset version the model imports; operators whose signature changed across
    /// versions (attributes that became inputs) look at it.</summary>
    public int Opset { get; }
    public NodeAttributes Attributes { get; }
    public int InputCount => _inputs.Length;
    public int OutputCount => _outputs.Length;

    public bool HasInput(int index) => index < _inputs.Length && !_inputs[index].IsMissing;
    public TensorInfo Input(int index) => index < _inputs.Length ? _inputs[index] : TensorInfo.Missing;
    public ConstantTensor? Constant(int index) => index < _constants.Length ? _constants[index] : null;

    /// <summary>The value of an input that must be known at compile time (a Reshape's shape, a Slice's
    /// starts, ...). EdgeToken plans memory statically, so a computed one is unsupported.</summary>
    public ConstantTensor RequireConstant(int index, string what)
    {
        if (!HasInput(index)) throw new ShapeException($"input {index} ({what}) is missing");
        return Constant(index) ?? throw new UnsupportedOperatorException(
            $"{OpType} '{NodeName}': input {index} ({what}) is computed at run time; EdgeToken needs it to be a constant (an initializer or something constant folding can compute)");
    }

    public TensorInfo Output(int index) => _outputs[index];
    public bool HasOutput(int index) => index < _outputs.Length && !_outputs[index].IsMissing;

    public void SetOutput(int index, ElementType type, int[] dims)
    {
        if (index >= _outputs.Length) return; // an optional output the model does not use
        foreach (int d in dims)
            if (d < 0) throw new ShapeException($"output {index} would have a negative dimension {Shape.Format(dims)}");
        _outputs[index] = new TensorInfo(type, dims);
    }

    /// <summary>Marks an optional output the node does not produce (an empty name in ONNX).</summary>
    public void MarkOutputUnused(int index) => _outputs[index] = TensorInfo.Missing;

    /// <summary>Throws <see cref="UnsupportedOperatorException"/> unless input <paramref name="index"/> has one of the given types.</summary>
    public ElementType ExpectType(int index, params ReadOnlySpan<ElementType> allowed)
    {
        var t = Input(index).Type;
        foreach (var a in allowed) if (a == t) return t;
        throw new UnsupportedOperatorException($"{OpType} '{NodeName}': input {index} has type {t.OnnxName()}, which EdgeToken's {OpType} kernel does not run");
    }
}
