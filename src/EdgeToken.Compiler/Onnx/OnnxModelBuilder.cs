using System.Runtime.InteropServices;
using EdgeToken.Compiler.Onnx.Proto;
using EdgeToken.Runtime.Tensors;
using Google.Protobuf;

namespace EdgeToken.Compiler.Onnx;

/// <summary>Builds ONNX models in code: graphs for tests and benchmarks, and (later) exported QDQ models.
/// Names are checked as they are added, so a builder never writes a model ONNX Runtime would reject for
/// a dangling name.</summary>
public sealed class OnnxModelBuilder
{
    private readonly ModelProto _model;
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    public OnnxModelBuilder(string name, int opset = 17, long irVersion = 8)
    {
        _graph = new GraphProto { Name = name };
        _model = new ModelProto { IrVersion = irVersion, ProducerName = "EdgeToken", ProducerVersion = "0.1", Graph = _graph };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    public ModelProto Model => _model;

    /// <summary>A fresh value name with the given prefix.</summary>
    public string Fresh(string prefix) => $"{prefix}_{_counter++}";

    public OnnxModelBuilder Input(string name, ElementType type, params int[] dims)
    {
        _graph.Input.Add(ValueInfo(name, type, dims.Select(d => (long?)d).ToArray()));
        _names.Add(name);
        return this;
    }

    /// <summary>An input with a named dynamic dimension where <paramref name="dims"/> holds -1.</summary>
    public OnnxModelBuilder DynamicInput(string name, ElementType type, string symbol, params int[] dims)
    {
        var info = ValueInfo(name, type, dims.Select(d => d < 0 ? null : (long?)d).ToArray());
        for (int i = 0; i < dims.Length; i++)
            if (dims[i] < 0) info.Type.TensorType.Shape.Dim[i].DimParam = symbol;
        _graph.Input.Add(info);
        _names.Add(name);
        return this;
    }

    public OnnxModelBuilder Output(string name, ElementType type, params int[]? dims)
    {
        if (!_names.Contains(name)) throw new InvalidOperationException($"output '{name}' is produced by nothing");
        _graph.Output.Add(ValueInfo(name, type, dims?.Select(d => (long?)d).ToArray()));
        return this;
    }

    public string Initializer(string name, float[] values, params int[] dims) =>
        Initializer(name, ElementType.Float32, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);

    public string Initializer(string name, long[] values, params int[] dims) =>
        Initializer(name, ElementType.Int64, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);

    public string Initializer(string name, ElementType type, byte[] raw, params int[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        t.Dims.AddRange(dims.Select(d => (long)d));
        _graph.Initializer.Add(t);
        _names.Add(name);
        return name;
    }

    /// <summary>Adds a node; returns its first output's name. Pass "" for an omitted optional input.</summary>
    public string Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        foreach (var i in inputs)
            if (i.Length > 0 && !_names.Contains(i)) throw new InvalidOperationException($"{opType}: input '{i}' is not defined yet");
        var node = new NodeProto { OpType = opType, Name = Fresh(opType) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        _graph.Node.Add(node);
        foreach (var o in outputs) if (o.Length > 0) _names.Add(o);
        return outputs[0];
    }

    /// <summary>A single-output node with a fresh output name.</summary>
    public string Op(string opType, string[] inputs, params (string Name, object Value)[] attributes) =>
        Node(opType, inputs, [Fresh(opType.ToLowerInvariant())], attributes);

    public byte[] ToBytes() => _model.ToByteArray();

    public void Save(string path) => File.WriteAllBytes(path, ToBytes());

    private static ValueInfoProto ValueInfo(string name, ElementType type, long?[]? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in dims)
                tensor.Shape.Dim.Add(d is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension());
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case int[] ints: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ints.Select(v => (long)v)); break;
            case long[] longs: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(longs); break;
            case float[] floats: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(floats); break;
            case string[] strings: a.Type = AttributeProto.Types.AttributeType.Strings; a.Strings.AddRange(strings.Select(ByteString.CopyFromUtf8)); break;
            default: throw new ArgumentException($"attribute '{name}': unsupported value type {value.GetType().Name}");
        }
        return a;
    }
}
