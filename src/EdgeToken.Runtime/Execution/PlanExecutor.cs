using System.Runtime.InteropServices;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Plans;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Execution;

/// <summary>
/// Runs a <see cref="Plan"/> with the runtime's kernels. Construction builds one kernel per step and
/// allocates the arena and scratch once; <see cref="Run"/> allocates nothing. Write the inputs through
/// <see cref="Input{T}"/> before every run (input buffers are planned like any other tensor and may be
/// reused once their last reader has run), read outputs through <see cref="Output{T}"/>.
/// Not thread-safe: one executor per thread.
/// </summary>
public sealed class PlanExecutor
{
    private readonly byte[] _arena;
    private readonly byte[] _scratch;
    private readonly Kernel[] _kernels;
    private readonly SlotRef[][] _inputSlots;
    private readonly SlotRef[][] _outputSlots;
    private readonly ReadOnlyMemory<byte> _weights;

    public PlanExecutor(Plan plan)
    {
        Plan = plan;
        _weights = plan.Weights;
        _arena = GC.AllocateArray<byte>(plan.ArenaBytes, pinned: true);
        _scratch = new byte[plan.ScratchBytes];
        _kernels = new Kernel[plan.Steps.Length];
        _inputSlots = new SlotRef[plan.Steps.Length][];
        _outputSlots = new SlotRef[plan.Steps.Length][];
        for (int s = 0; s < plan.Steps.Length; s++)
        {
            var step = plan.Steps[s];
            if (!OperatorRegistry.TryGet(step.OpType, out var op))
                throw new UnsupportedOperatorException($"plan step '{step.Name}' uses operator {step.OpType}, which this runtime does not have");
            var infos = new TensorInfo[step.Inputs.Length];
            var constants = new ConstantTensor?[step.Inputs.Length];
            _inputSlots[s] = new SlotRef[step.Inputs.Length];
            for (int i = 0; i < step.Inputs.Length; i++)
            {
                if (step.Inputs[i] < 0) { infos[i] = TensorInfo.Missing; continue; }
                var t = plan.Tensors[step.Inputs[i]];
                infos[i] = t.Info;
                if (t.Kind == SlotKind.Weight) constants[i] = plan.WeightValue(t);
                _inputSlots[s][i] = t.Slot;
            }
            var node = new NodeContext(step.Name, step.OpType, step.Opset, step.Attributes, infos, constants, step.Outputs.Length);
            op.InferOutputs(node);
            _outputSlots[s] = new SlotRef[step.Outputs.Length];
            for (int o = 0; o < step.Outputs.Length; o++)
            {
                if (step.Outputs[o] < 0) { node.MarkOutputUnused(o); continue; }
                var t = plan.Tensors[step.Outputs[o]];
                var inferred = node.Output(o);
                if (inferred.Type != t.Type || !inferred.Dims.AsSpan().SequenceEqual(t.Dims))
                    throw new PlanFormatException($"step '{step.Name}' ({step.OpType}) output {o}: the plan says {t.Info}, the operator infers {inferred}");
                _outputSlots[s][o] = t.Slot;
            }
            _kernels[s] = op.CreateKernel(node);
            if (_kernels[s].ScratchBytes > _scratch.Length)
                throw new PlanFormatException($"step '{step.Name}' needs {_kernels[s].ScratchBytes} scratch bytes, the plan reserves {_scratch.Length}");
        }
    }

    public Plan Plan { get; }
    public int InputCount => Plan.Inputs.Length;
    public int OutputCount => Plan.Outputs.Length;

    public int InputIndex(string name) => IndexOf(Plan.Inputs, name, "input");
    public int OutputIndex(string name) => IndexOf(Plan.Outputs, name, "output");

    public Span<byte> InputBytes(int index)
    {
        var t = Plan.Input(index);
        return _arena.AsSpan(t.Offset, t.Length);
    }

    public Span<T> Input<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(InputBytes(index));

    public ReadOnlySpan<byte> OutputBytes(int index)
    {
        var t = Plan.Output(index);
        return t.Kind == SlotKind.Weight ? _weights.Span.Slice(t.Offset, t.Length) : _arena.AsSpan(t.Offset, t.Length);
    }

    public ReadOnlySpan<T> Output<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(OutputBytes(index));

    /// <summary>Runs every step in order.</summary>
    public void Run()
    {
        var weights = _weights.Span;
        for (int s = 0; s < _kernels.Length; s++)
        {
            var kernel = _kernels[s];
            kernel.Run(new KernelArgs(_arena, weights, _inputSlots[s], _outputSlots[s], _scratch.AsSpan(0, kernel.ScratchBytes)));
        }
    }

    /// <summary>Steps of the plan, what <see cref="RunStep"/> takes.</summary>
    public int StepCount => _kernels.Length;

    /// <summary><see cref="Kernel.Description"/> of step <paramref name="step"/>'s kernel.</summary>
    public string? StepKernel(int step) => _kernels[step].Description;

    /// <summary>Runs one step (<c>Plan.Steps[step]</c>): for timing layer by layer. Running 0 .. StepCount - 1 in order,
    /// after the inputs are written, is <see cref="Run"/>; any other order reads whatever the arena holds.</summary>
    public void RunStep(int step)
    {
        var kernel = _kernels[step];
        kernel.Run(new KernelArgs(_arena, _weights.Span, _inputSlots[step], _outputSlots[step], _scratch.AsSpan(0, kernel.ScratchBytes)));
    }

    private int IndexOf(int[] tensors, string name, string what)
    {
        for (int i = 0; i < tensors.Length; i++)
            if (Plan.Tensors[tensors[i]].Name == name) return i;
        throw new ArgumentException($"the plan has no {what} named '{name}'");
    }
}
