using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeToken.Runtime.Operators;

/// <summary>Runs one node. Created once per node when a plan is loaded; <see cref="Run"/> must not allocate.</summary>
public abstract class Kernel
{
    /// <summary>Bytes of temporary memory the kernel needs while it runs (im2col columns, gate buffers...).
    /// Nodes run one at a time, so all kernels of a plan share one scratch region of the largest size.</summary>
    public virtual int ScratchBytes => 0;

    /// <summary>Which of the operator's kernels this one is, where it has several and the choice depends on the shape or
    /// the machine (for <c>bench --layers</c>); null otherwise.</summary>
    public virtual string? Description => null;

    public abstract void Run(in KernelArgs args);
}

/// <summary>Where one tensor lives while a plan runs.</summary>
public enum SlotKind : byte
{
    /// <summary>An omitted optional input or output.</summary>
    None = 0,
    /// <summary>In the arena: activations, graph inputs and outputs.</summary>
    Arena = 1,
    /// <summary>In the plan's weight block (read-only).</summary>
    Weight = 2,
}

/// <summary>Location of a tensor: a byte range in the arena or the weights.</summary>
public readonly record struct SlotRef(SlotKind Kind, int Offset, int Length);

/// <summary>The memory one kernel invocation reads and writes. A ref struct over the arena, the weights and
/// the node's slot table, so passing it costs nothing and nothing escapes.</summary>
public readonly ref struct KernelArgs
{
    private readonly Span<byte> _arena;
    private readonly ReadOnlySpan<byte> _weights;
    private readonly ReadOnlySpan<SlotRef> _inputs;
    private readonly ReadOnlySpan<SlotRef> _outputs;

    public KernelArgs(Span<byte> arena, ReadOnlySpan<byte> weights, ReadOnlySpan<SlotRef> inputs, ReadOnlySpan<SlotRef> outputs, Span<byte> scratch)
    {
        _arena = arena;
        _weights = weights;
        _inputs = inputs;
        _outputs = outputs;
        Scratch = scratch;
    }

    public Span<byte> Scratch { get; }

    public int InputCount => _inputs.Length;
    public int OutputCount => _outputs.Length;

    public bool HasInput(int index) => index < _inputs.Length && _inputs[index].Kind != SlotKind.None;
    public bool HasOutput(int index) => index < _outputs.Length && _outputs[index].Kind != SlotKind.None;

    public ReadOnlySpan<byte> InputBytes(int index)
    {
        var slot = _inputs[index];
        return slot.Kind == SlotKind.Weight ? _weights.Slice(slot.Offset, slot.Length) : _arena.Slice(slot.Offset, slot.Length);
    }

    public Span<byte> OutputBytes(int index)
    {
        var slot = _outputs[index];
        return _arena.Slice(slot.Offset, slot.Length);
    }

    public ReadOnlySpan<T> Input<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(InputBytes(index));

    public Span<T> Output<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(OutputBytes(index));

    public Span<T> ScratchAs<T>(int offsetBytes, int count) where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(Scratch.Slice(offsetBytes, count * Unsafe.SizeOf<T>()));

    /// <summary>True when output <paramref name="output"/> is the same memory as input <paramref name="input"/>
    /// (the planner placed it in place or as a view).</summary>
    public bool SharesBuffer(int input, int output)
    {
        if (!HasInput(input) || !HasOutput(output)) return false;
        var a = _inputs[input];
        var b = _outputs[output];
        return a.Kind == SlotKind.Arena && a.Offset == b.Offset;
    }
}
