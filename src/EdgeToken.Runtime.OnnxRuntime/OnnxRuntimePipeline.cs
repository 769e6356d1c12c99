using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeToken.Runtime.OnnxRuntime;

/// <summary>
/// One model in one ONNX Runtime session with a float input and a float output that live in caller-owned pinned
/// memory (the generated pipeline's arena), bound once through an <see cref="OrtIoBinding"/>. <see cref="Run"/>
/// calls <c>RunWithBinding</c> with a cached <see cref="RunOptions"/>: no names, no OrtValues, no result collection
/// are made per call, so a call allocates nothing on the managed heap (asserted in the tests). Not thread-safe:
/// one instance per thread, like the generated pipelines.
/// </summary>
/// <remarks>The plain <c>InferenceSession.Run(options, names, values, names, values)</c> over the same
/// pre-allocated OrtValues allocates about 200-300 bytes per call (its argument marshalling); it is kept as
/// <see cref="RunWithoutBinding"/> so the benchmark can show the difference.</remarks>
public sealed class OnnxRuntimePipeline : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputValues;
    private readonly OrtValue[] _outputValues;

    /// <param name="model">The ONNX model bytes (the generated class keeps them as static data).</param>
    /// <param name="providers">Manifest provider names in order of preference; CPU is the fallback.</param>
    /// <param name="input">Pinned memory of the model input (float32, <paramref name="inputShape"/>); must stay pinned for the pipeline's lifetime.</param>
    /// <param name="output">Pinned memory of the first model output (float32, <paramref name="outputShape"/>).</param>
    /// <param name="log">Receives the one line that says which provider runs; null writes it to stderr.</param>
    public unsafe OnnxRuntimePipeline(byte[] model, IReadOnlyList<string> providers, IntPtr input, long[] inputShape,
        IntPtr output, long[] outputShape, Action<string>? log = null, IReadOnlyCollection<string>? availableProviders = null)
    {
        (_session, Selection) = ExecutionProviders.CreateSession(model, providers, static () => new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        }, availableProviders);
        (log ?? Console.Error.WriteLine)(Selection.LogLine);
        _inputNames = [_session.InputNames[0]];
        _outputNames = [_session.OutputNames[0]];
        _input = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, inputShape, input, Count(inputShape) * sizeof(float));
        _output = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, outputShape, output, Count(outputShape) * sizeof(float));
        _inputValues = [_input];
        _outputValues = [_output];
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_inputNames[0], _input);
        _binding.BindOutput(_outputNames[0], _output);
        _binding.SynchronizeBoundInputs();
    }

    /// <summary>The provider that runs, and why earlier ones in the list were skipped.</summary>
    public ProviderSelection Selection { get; }

    /// <summary>Runs the model on what is in the input memory; the output memory holds the result afterwards.</summary>
    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>The same run through <c>InferenceSession.Run</c> with cached names and pre-allocated OrtValues,
    /// for comparison (it allocates per call; see the remarks).</summary>
    public void RunWithoutBinding() => _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

    private static long Count(long[] shape)
    {
        long n = 1;
        foreach (long d in shape) n *= d;
        return n;
    }

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
