using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx.Proto;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Onnx;

/// <summary>Turns an ONNX <see cref="ModelProto"/> into EdgeToken's graph IR. Initializer bytes are not copied.</summary>
public static class OnnxImporter
{
    public static Graph Load(string path)
    {
        var model = OnnxFile.Read(path);
        return Import(model, Path.GetDirectoryName(Path.GetFullPath(path)), path);
    }

    public static Graph Import(ModelProto model, string? modelDirectory, string modelPath)
    {
        var g = model.Graph;
        var graph = new Graph(string.IsNullOrEmpty(g.Name) ? Path.GetFileNameWithoutExtension(modelPath) : g.Name, OnnxFile.DefaultOpset(model));
        foreach (var kv in model.MetadataProps) graph.Metadata[kv.Key] = kv.Value;
        if (model.HasProducerName) graph.Metadata["producer"] = (model.ProducerName + " " + model.ProducerVersion).Trim();

        var values = new Dictionary<string, Value>(StringComparer.Ordinal);
        Value Get(string name) => values.TryGetValue(name, out var v) ? v : values[name] = new Value(name);

        foreach (var init in g.Initializer)
        {
            var v = Get(init.Name);
            v.Constant = OnnxTensorReader.Read(init, modelDirectory, modelPath);
            v.Type = v.Constant.Type;
            v.Dims = v.Constant.Dims;
        }
        if (g.SparseInitializer.Count > 0)
            throw new ModelLoadException(modelPath, "uses sparse initializers, which EdgeToken does not read");

        foreach (var input in g.Input)
        {
            var v = Get(input.Name);
            if (v.IsConstant) continue; // an initializer listed as an input (IR < 4): EdgeToken treats it as a constant
            ApplyType(v, input, modelPath);
            v.IsGraphInput = true;
            graph.Inputs.Add(v);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int n = 0; n < g.Node.Count; n++)
        {
            var proto = g.Node[n];
            string name = string.IsNullOrEmpty(proto.Name) ? $"{proto.OpType}_{n}" : proto.Name;
            while (!names.Add(name)) name += "_";
            var inputs = proto.Input.Select(i => string.IsNullOrEmpty(i) ? null : Get(i)).ToList();
            var outputs = proto.Output.Select(o => string.IsNullOrEmpty(o) ? null : Get(o)).ToList();
            var node = new Node(name, proto.OpType, ReadAttributes(proto, name, modelDirectory, modelPath), inputs, outputs);
            foreach (var o in outputs)
            {
                if (o is null) continue;
                if (o.Producer is not null || o.IsConstant || o.IsGraphInput)
                    throw new ModelLoadException(modelPath, $"value '{o.Name}' is produced twice (node '{name}')");
                o.Producer = node;
            }
            graph.Nodes.Add(node);
        }

        foreach (var output in g.Output)
        {
            if (!values.TryGetValue(output.Name, out var v))
                throw new ModelLoadException(modelPath, $"graph output '{output.Name}' is produced by no node");
            if (output.Type is not null) ApplyType(v, output, modelPath, declaredOnly: true);
            v.IsGraphOutput = true;
            graph.Outputs.Add(v);
        }
        foreach (var v in values.Values)
            if (v.Producer is null && !v.IsConstant && !v.IsGraphInput)
                throw new ModelLoadException(modelPath, $"value '{v.Name}' is read but produced by no node, input or initializer");

        try { graph.SortTopologically(); }
        catch (CompileException e) { throw new ModelLoadException(modelPath, e.Message); }
        return graph;
    }

    private static void ApplyType(Value v, ValueInfoProto info, string modelPath, bool declaredOnly = false)
    {
        var type = info.Type;
        if (type is null) throw new ModelLoadException(modelPath, $"'{info.Name}' declares no type");
        if (type.ValueCase != TypeProto.ValueOneofCase.TensorType)
            throw new UnsupportedModelException($"'{info.Name}' is a {type.ValueCase} value; EdgeToken runs tensors only");
        var tensor = type.TensorType;
        var elem = (ElementType)tensor.ElemType;
        if (!declaredOnly) v.Type = elem;
        if (tensor.Shape is null) return;
        v.DeclaredDims = tensor.Shape.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => Dim.Of(d.DimValue),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => Dim.Named(d.DimParam),
            _ => Dim.Unknown,
        }).ToArray();
        if (declaredOnly && v.Type == ElementType.Undefined) v.Type = elem;
    }

    private static NodeAttributes ReadAttributes(NodeProto proto, string nodeName, string? modelDirectory, string modelPath)
    {
        if (proto.Attribute.Count == 0) return NodeAttributes.Empty;
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var a in proto.Attribute)
        {
            if (!string.IsNullOrEmpty(a.RefAttrName))
                throw new ModelLoadException(modelPath, $"node '{nodeName}' attribute '{a.Name}' refers to a function attribute; EdgeToken does not expand functions");
            var kind = a.Type != AttributeProto.Types.AttributeType.Undefined ? a.Type : Guess(a);
            AttributeValue? value = kind switch
            {
                AttributeProto.Types.AttributeType.Float => AttributeValue.Of(a.F),
                AttributeProto.Types.AttributeType.Int => AttributeValue.Of(a.I),
                AttributeProto.Types.AttributeType.String => AttributeValue.Of(a.S.ToStringUtf8()),
                AttributeProto.Types.AttributeType.Floats => AttributeValue.Of(a.Floats.ToArray()),
                AttributeProto.Types.AttributeType.Ints => AttributeValue.Of(a.Ints.ToArray()),
                AttributeProto.Types.AttributeType.Strings => AttributeValue.Of(a.Strings.Select(s => s.ToStringUtf8()).ToArray()),
                AttributeProto.Types.AttributeType.Tensor => AttributeValue.Of(OnnxTensorReader.Read(a.T, modelDirectory, modelPath)),
                // Subgraphs (If, Loop, Scan) and sparse tensors: kept out; the operator is then reported unsupported.
                _ => null,
            };
            if (value is not null) values[a.Name] = value;
        }
        return new NodeAttributes(values);
    }

    private static AttributeProto.Types.AttributeType Guess(AttributeProto a)
    {
        if (a.HasF) return AttributeProto.Types.AttributeType.Float;
        if (a.HasI) return AttributeProto.Types.AttributeType.Int;
        if (a.HasS) return AttributeProto.Types.AttributeType.String;
        if (a.T is not null) return AttributeProto.Types.AttributeType.Tensor;
        if (a.Floats.Count > 0) return AttributeProto.Types.AttributeType.Floats;
        if (a.Ints.Count > 0) return AttributeProto.Types.AttributeType.Ints;
        if (a.Strings.Count > 0) return AttributeProto.Types.AttributeType.Strings;
        return AttributeProto.Types.AttributeType.Undefined;
    }
}
