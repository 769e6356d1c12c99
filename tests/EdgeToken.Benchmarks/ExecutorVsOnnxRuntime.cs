using BenchmarkDotNet.Attributes;
using EdgeToken.Compiler;
using EdgeToken.Runtime.Execution;
using Microsoft.ML.OnnxRuntime;

namespace EdgeToken.Benchmarks;

/// <summary>One inference of each benchmark model: EdgeToken's plan executor against ONNX Runtime with one
/// intra-op thread and pre-allocated, pinned input and output OrtValues (its fastest C# path).</summary>
[MemoryDiagnoser]
public class ExecutorVsOnnxRuntime
{
    private PlanExecutor _executor = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _ortInputs = null!;
    private OrtValue[] _ortOutputs = null!;
    private string[] _inputNames = null!;
    private string[] _outputNames = null!;

    [Params("mlp", "cnn1d", "gru", "dscnn2d")]
    public string Model { get; set; } = "mlp";

    [GlobalSetup]
    public void Setup()
    {
        string path = BenchmarkModels.Path(Model);
        var compiled = ModelCompiler.CompileFile(path);
        _executor = new PlanExecutor(compiled.Plan);
        var input = new float[compiled.Plan.Input(0).Info.ElementCount];
        var rng = new Random(5);
        for (int i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 2 - 1);
        input.CopyTo(_executor.Input<float>(0));

        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(path, options);
        _runOptions = new RunOptions();
        _inputNames = [.. _session.InputNames];
        _outputNames = [.. _session.OutputNames];
        _ortInputs = [OrtValue.CreateTensorValueFromMemory(input, compiled.Plan.Input(0).Dims.Select(d => (long)d).ToArray())];
        var output = compiled.Plan.Output(0);
        _ortOutputs = [OrtValue.CreateTensorValueFromMemory(new float[output.Info.ElementCount], output.Dims.Select(d => (long)d).ToArray())];
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime")]
    public void OnnxRuntime() => _session.Run(_runOptions, _inputNames, _ortInputs, _outputNames, _ortOutputs);

    [Benchmark(Description = "EdgeToken plan executor")]
    public void PlanExecutor() => _executor.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var v in _ortInputs) v.Dispose();
        foreach (var v in _ortOutputs) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
