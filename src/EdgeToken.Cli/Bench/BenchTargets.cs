using EdgeToken.Compiler.Manifests;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.OnnxRuntime;

namespace EdgeToken.Cli.Bench;

/// <summary>One engine the bench times. Every target does the same work per call: raw window in (preprocessing
/// applied), model run, output copied out, so the figures compare like with like.</summary>
internal abstract class BenchTarget : IDisposable
{
    public abstract string Name { get; }
    public abstract void Infer(ReadOnlySpan<float> window, Span<float> output);
    public virtual void Dispose() { }
}

/// <summary>The generated pipeline class, compiled in this process.</summary>
internal sealed class GeneratedTarget(IBenchPipeline pipeline, string name = "generated") : BenchTarget
{
    public override string Name => name;
    public override void Infer(ReadOnlySpan<float> window, Span<float> output) => pipeline.Infer(window, output);
}

/// <summary>The plan executor on the same plan the generated class was emitted from.</summary>
internal sealed class ExecutorTarget(ManifestCompilation compilation) : BenchTarget
{
    private readonly PlanExecutor _executor = new(compilation.Model.Plan);
    private readonly PreprocessAffine _preprocess = compilation.Preprocess;
    private readonly int _window = compilation.Manifest.Input.Window;
    private readonly InputLayout _layout = compilation.Manifest.Input.Layout;

    public override string Name => "plan executor";

    public override void Infer(ReadOnlySpan<float> window, Span<float> output)
    {
        _preprocess.Apply(window, _executor.Input<float>(0), _window, _layout);
        _executor.Run();
        _executor.Output<float>(0).CopyTo(output);
    }
}

/// <summary>ONNX Runtime (CPU, one intra-op thread) on the original .onnx file with the manifest's bindings, over
/// pinned pre-allocated OrtValues; either through OrtIoBinding (the onnxruntime backend's way) or through
/// <c>InferenceSession.Run</c> with cached names and OrtValues.</summary>
internal sealed unsafe class OnnxRuntimeTarget : BenchTarget
{
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OnnxRuntimePipeline _pipeline;
    private readonly bool _binding;
    private readonly PreprocessAffine _preprocess;
    private readonly int _window;
    private readonly InputLayout _layout;

    private readonly string _name;

    /// <param name="model">The ONNX file to run: the manifest's model by default, or another with the same input and
    /// output (the QDQ export of the int8 model).</param>
    public OnnxRuntimeTarget(ManifestCompilation compilation, bool binding, byte[]? model = null, string? name = null)
    {
        _name = name ?? (binding ? "onnxruntime (IOBinding)" : "onnxruntime (Run)");
        var plan = compilation.Model.Plan;
        _binding = binding;
        _preprocess = compilation.Preprocess;
        _window = compilation.Manifest.Input.Window;
        _layout = compilation.Manifest.Input.Layout;
        _input = GC.AllocateArray<float>((int)plan.Input(0).Info.ElementCount, pinned: true);
        _output = GC.AllocateArray<float>((int)plan.Output(0).Info.ElementCount, pinned: true);
        fixed (float* input = _input)
        fixed (float* output = _output)
            _pipeline = new OnnxRuntimePipeline(model ?? File.ReadAllBytes(compilation.Manifest.ModelFullPath), [ExecutionProviders.Cpu],
                (IntPtr)input, plan.Input(0).Dims.Select(d => (long)d).ToArray(),
                (IntPtr)output, plan.Output(0).Dims.Select(d => (long)d).ToArray(), log: static _ => { });
    }

    public override string Name => _name;

    public override void Infer(ReadOnlySpan<float> window, Span<float> output)
    {
        _preprocess.Apply(window, _input, _window, _layout);
        if (_binding) _pipeline.Run();
        else _pipeline.RunWithoutBinding();
        _output.CopyTo(output);
    }

    public override void Dispose() => _pipeline.Dispose();
}
