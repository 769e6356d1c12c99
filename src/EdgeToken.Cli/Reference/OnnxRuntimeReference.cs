using EdgeToken.Runtime.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeToken.Cli.Reference;

/// <summary>Runs a model with ONNX Runtime (CPU, one thread) on EdgeToken's constant tensors: the reference
/// that <c>verify</c>, the differential tests and the benchmarks compare against.</summary>
public sealed class OnnxRuntimeReference : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxRuntimeReference(string modelPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(modelPath, options);
    }

    public IReadOnlyList<string> InputNames => _session.InputNames;
    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>Runs once; inputs in the session's input order.</summary>
    public ConstantTensor[] Run(IReadOnlyList<ConstantTensor> inputs)
    {
        var values = new List<OrtValue>();
        try
        {
            for (int i = 0; i < inputs.Count; i++)
                values.Add(ToOrt(inputs[i]));
            using var options = new RunOptions();
            using var results = _session.Run(options, _session.InputNames, values, _session.OutputNames);
            var outputs = new ConstantTensor[results.Count];
            for (int o = 0; o < results.Count; o++) outputs[o] = FromOrt(results[o]);
            return outputs;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    public static OrtValue ToOrt(ConstantTensor t)
    {
        long[] shape = t.Dims.Select(d => (long)d).ToArray();
        var bytes = t.Bytes.ToArray();
        return t.Type switch
        {
            ElementType.Float32 => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape),
            ElementType.Int64 => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape),
            ElementType.Int32 => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes).ToArray(), shape),
            ElementType.Float64 => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).ToArray(), shape),
            ElementType.UInt8 => OrtValue.CreateTensorValueFromMemory(bytes, shape),
            ElementType.Int8 => OrtValue.CreateTensorValueFromMemory(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(bytes).ToArray(), shape),
            ElementType.Bool => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(bytes, b => b != 0), shape),
            _ => throw new NotSupportedException($"the ONNX Runtime reference does not feed {t.Type.OnnxName()} inputs"),
        };
    }

    public static ConstantTensor FromOrt(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        int[] dims = info.Shape.Select(d => (int)d).ToArray();
        return info.ElementDataType switch
        {
            TensorElementType.Float => ConstantTensor.FromArray(ElementType.Float32, dims, value.GetTensorDataAsSpan<float>().ToArray()),
            TensorElementType.Int64 => ConstantTensor.FromArray(ElementType.Int64, dims, value.GetTensorDataAsSpan<long>().ToArray()),
            TensorElementType.Int32 => ConstantTensor.FromArray(ElementType.Int32, dims, value.GetTensorDataAsSpan<int>().ToArray()),
            TensorElementType.Double => ConstantTensor.FromArray(ElementType.Float64, dims, value.GetTensorDataAsSpan<double>().ToArray()),
            TensorElementType.UInt8 => ConstantTensor.FromArray(ElementType.UInt8, dims, value.GetTensorDataAsSpan<byte>().ToArray()),
            TensorElementType.Int8 => ConstantTensor.FromArray(ElementType.Int8, dims, value.GetTensorDataAsSpan<sbyte>().ToArray()),
            TensorElementType.Bool => ConstantTensor.FromArray(ElementType.Bool, dims, value.GetTensorDataAsSpan<bool>().ToArray()),
            var other => throw new NotSupportedException($"the ONNX Runtime reference does not read {other} outputs"),
        };
    }

    public void Dispose() => _session.Dispose();
}
