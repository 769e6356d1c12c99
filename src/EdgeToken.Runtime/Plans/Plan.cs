using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Plans;

/// <summary>A compiled model: the scheduled nodes, where every tensor lives, the exact arena size, and the
/// weights. Produced by the compiler, stored as an <c>.etplan</c> file, run by the plan executor.</summary>
public sealed class Plan
{
    public const int FormatVersion = 1;

    public required string Name { get; init; }
    public required PlanTensor[] Tensors { get; init; }
    public required PlanStep[] Steps { get; init; }
    /// <summary>Indices into <see cref="Tensors"/> of the graph inputs, in model order.</summary>
    public required int[] Inputs { get; init; }
    /// <summary>Indices into <see cref="Tensors"/> of the graph outputs, in model order.</summary>
    public required int[] Outputs { get; init; }
    /// <summary>Bytes of activation memory, exactly: every arena tensor fits inside.</summary>
    public required int ArenaBytes { get; init; }
    /// <summary>Bytes of scratch memory shared by all kernels (the largest any one of them needs).</summary>
    public required int ScratchBytes { get; init; }
    /// <summary>All weights, each tensor at a 64-byte aligned offset. Never copied into the arena.</summary>
    public required ReadOnlyMemory<byte> Weights { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public PlanTensor Input(int index) => Tensors[Inputs[index]];
    public PlanTensor Output(int index) => Tensors[Outputs[index]];

    /// <summary>The value of a weight tensor, as a view over <see cref="Weights"/>.</summary>
    public ConstantTensor WeightValue(PlanTensor tensor)
    {
        if (tensor.Kind != SlotKind.Weight) throw new ArgumentException($"tensor '{tensor.Name}' is not a weight");
        return new ConstantTensor(tensor.Type, tensor.Dims, Weights.Slice(tensor.Offset, tensor.Length));
    }
}

/// <summary>One tensor of a plan and its place in memory.</summary>
public sealed record PlanTensor(string Name, ElementType Type, int[] Dims, SlotKind Kind, int Offset, int Length)
{
    public TensorInfo Info => new(Type, Dims);
    public SlotRef Slot => new(Kind, Offset, Length);
}

/// <summary>One scheduled node. Input or output index -1 marks an omitted optional one.</summary>
public sealed record PlanStep(string Name, string OpType, int Opset, NodeAttributes Attributes, int[] Inputs, int[] Outputs);
