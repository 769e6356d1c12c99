using EdgeToken.Compiler.Onnx.Proto;
using Google.Protobuf;

namespace EdgeToken.Compiler.Onnx;

/// <summary>Reads and writes ONNX model files, turning every way a file can be wrong into one
/// <see cref="ModelLoadException"/> that names the file.</summary>
public static class OnnxFile
{
    /// <summary>The newest ai.onnx opset EdgeToken knows (ONNX 1.22 defines up to 27).</summary>
    public const int MaxOpset = 27;

    public static ModelProto Read(string path)
    {
        if (Directory.Exists(path)) throw new ModelLoadException(path, "is a directory, not an ONNX model file");
        if (!File.Exists(path)) throw new ModelLoadException(path, "file does not exist");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot be read ({e.Message})");
        }
        return Parse(bytes, path);
    }

    public static ModelProto Parse(byte[] bytes, string path)
    {
        if (bytes.Length == 0) throw new ModelLoadException(path, "file is empty");
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelLoadException(path, $"is not an ONNX model or is truncated (protobuf: {e.Message.TrimEnd('.')})");
        }
        if (model.Graph is null || !model.HasIrVersion)
            throw new ModelLoadException(path, "is not an ONNX model (no IR version or no graph)");
        if (model.IrVersion < 3)
            throw new ModelLoadException(path, $"uses ONNX IR version {model.IrVersion}; EdgeToken reads IR version 3 and later");
        bool hasDefault = false;
        foreach (var opset in model.OpsetImport)
        {
            if (opset.Domain is "" or "ai.onnx")
            {
                hasDefault = true;
                if (opset.Version < 1 || opset.Version > MaxOpset)
                    throw new ModelLoadException(path, $"imports ai.onnx opset {opset.Version}, which EdgeToken does not know (it knows 1..{MaxOpset})");
            }
        }
        if (!hasDefault) throw new ModelLoadException(path, "imports no ai.onnx opset");
        foreach (var node in model.Graph.Node)
        {
            if (node.Domain is not ("" or "ai.onnx"))
                throw new ModelLoadException(path,
                    $"node '{node.Name}' ({node.OpType}) is in the custom domain '{node.Domain}'; EdgeToken runs only the standard ai.onnx operators (use the onnxruntime backend for this model)");
        }
        return model;
    }

    public static int DefaultOpset(ModelProto model)
    {
        foreach (var opset in model.OpsetImport)
            if (opset.Domain is "" or "ai.onnx") return (int)opset.Version;
        return 0;
    }

    public static void Write(ModelProto model, string path) => File.WriteAllBytes(path, model.ToByteArray());
}
