using System.Runtime.InteropServices;
using EdgeToken.Compiler.Onnx.Proto;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Onnx;

/// <summary>Decodes a <see cref="TensorProto"/> into a <see cref="ConstantTensor"/>: raw_data without a copy,
/// the typed fields (float_data, int32_data, ...) by conversion, external data from a file beside the model.</summary>
public static class OnnxTensorReader
{
    /// <param name="modelDirectory">Where external data files are looked up; null when there is no model file.</param>
    public static ConstantTensor Read(TensorProto tensor, string? modelDirectory, string modelPath)
    {
        var type = (ElementType)tensor.DataType;
        string name = string.IsNullOrEmpty(tensor.Name) ? "(unnamed)" : tensor.Name;
        int size = type.SizeOf();
        if (size == 0 || type is ElementType.Complex64 or ElementType.Complex128)
            throw new ModelLoadException(modelPath, $"tensor '{name}' has element type {type.OnnxName()} ({tensor.DataType}), which EdgeToken does not store");
        var dims = new int[tensor.Dims.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            if (tensor.Dims[i] < 0 || tensor.Dims[i] > int.MaxValue)
                throw new ModelLoadException(modelPath, $"tensor '{name}' has an invalid dimension {tensor.Dims[i]}");
            dims[i] = (int)tensor.Dims[i];
        }
        long count = Shape.ElementCount(dims);
        long bytes = count * size;

        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            return new ConstantTensor(type, dims, ReadExternal(tensor, name, bytes, modelDirectory, modelPath));

        if (tensor.HasRawData)
        {
            if (tensor.RawData.Length != bytes)
                throw new ModelLoadException(modelPath, $"tensor '{name}' of shape {Shape.Format(dims)} needs {bytes} bytes of raw_data but has {tensor.RawData.Length}");
            return new ConstantTensor(type, dims, tensor.RawData.Memory);
        }

        var data = new byte[bytes];
        int available = type switch
        {
            ElementType.Float32 => Copy(tensor.FloatData, data),
            ElementType.Float64 => Copy(tensor.DoubleData, data),
            ElementType.Int64 => Copy(tensor.Int64Data, data),
            ElementType.Int32 => Copy(tensor.Int32Data, data),
            ElementType.UInt64 => Copy(tensor.Uint64Data, data),
            ElementType.UInt32 => Narrow(tensor.Uint64Data, data, v => BitConverter.GetBytes((uint)v), 4),
            ElementType.Int8 or ElementType.UInt8 or ElementType.Bool => Narrow(tensor.Int32Data, data, v => [(byte)v], 1),
            ElementType.Int16 or ElementType.UInt16 or ElementType.Float16 or ElementType.BFloat16 =>
                Narrow(tensor.Int32Data, data, v => BitConverter.GetBytes((ushort)v), 2),
            _ => -1,
        };
        if (available != count)
            throw new ModelLoadException(modelPath, $"tensor '{name}' of shape {Shape.Format(dims)} needs {count} values but stores {Math.Max(available, 0)}");
        return new ConstantTensor(type, dims, data);
    }

    private static int Copy<T>(Google.Protobuf.Collections.RepeatedField<T> values, byte[] data) where T : unmanaged
    {
        if (values.Count * Marshal.SizeOf<T>() != data.Length) return values.Count;
        var span = MemoryMarshal.Cast<byte, T>(data.AsSpan());
        for (int i = 0; i < values.Count; i++) span[i] = values[i];
        return values.Count;
    }

    private static int Narrow<T>(Google.Protobuf.Collections.RepeatedField<T> values, byte[] data, Func<T, byte[]> encode, int width)
    {
        if (values.Count * width != data.Length) return values.Count;
        for (int i = 0; i < values.Count; i++) encode(values[i]).AsSpan(0, width).CopyTo(data.AsSpan(i * width));
        return values.Count;
    }

    private static ReadOnlyMemory<byte> ReadExternal(TensorProto tensor, string name, long bytes, string? modelDirectory, string modelPath)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = long.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "length": length = long.Parse(entry.Value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new ModelLoadException(modelPath, $"tensor '{name}' is stored externally but names no location");
        if (Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
            throw new ModelLoadException(modelPath, $"tensor '{name}': external data location '{location}' must be a relative path inside the model's folder");
        string file = Path.Combine(modelDirectory ?? ".", location);
        if (!File.Exists(file))
            throw new ModelLoadException(modelPath, $"tensor '{name}': external data file '{file}' does not exist");
        if (length < 0) length = bytes;
        if (length != bytes)
            throw new ModelLoadException(modelPath, $"tensor '{name}': external data length {length} does not match its shape ({bytes} bytes)");
        using var stream = File.OpenRead(file);
        if (offset + length > stream.Length)
            throw new ModelLoadException(modelPath, $"tensor '{name}': external data file '{file}' has {stream.Length} bytes, the tensor needs bytes {offset}..{offset + length}");
        var data = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(data);
        return data;
    }
}
