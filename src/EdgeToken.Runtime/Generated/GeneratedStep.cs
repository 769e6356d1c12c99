using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Generated;

/// <summary>One input of a generated step: its type and shape, and where it lives (a weight slot makes it a
/// constant the kernel may precompute from).</summary>
public readonly record struct StepInput(TensorInfo Info, SlotRef Slot)
{
    public static StepInput Missing => new(TensorInfo.Missing, default);
}

/// <summary>
/// Builds the runtime kernel for a step of a generated pipeline whose operator has no static entry point:
/// the generated class calls this once per such step in its constructor and then runs the kernel with
/// <see cref="KernelArgs"/> over constant slots. The same checks as the plan executor: the operator must exist
/// and must infer the shapes the plan was compiled with.
/// </summary>
public static class GeneratedStep
{
    public static Kernel CreateKernel(string nodeName, string opType, int opset, NodeAttributes attributes,
        ReadOnlySpan<StepInput> inputs, ReadOnlySpan<TensorInfo> outputs, ReadOnlyMemory<byte> weights)
    {
        if (!OperatorRegistry.TryGet(opType, out var op))
            throw new UnsupportedOperatorException($"generated step '{nodeName}' uses operator {opType}, which this runtime does not have; rebuild with the matching EdgeToken version");
        var infos = new TensorInfo[inputs.Length];
        var constants = new ConstantTensor?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            infos[i] = inputs[i].Info;
            var slot = inputs[i].Slot;
            if (slot.Kind == SlotKind.Weight)
                constants[i] = new ConstantTensor(infos[i].Type, infos[i].Dims, weights.Slice(slot.Offset, slot.Length));
        }
        var node = new NodeContext(nodeName, opType, opset, attributes, infos, constants, outputs.Length);
        op.InferOutputs(node);
        for (int o = 0; o < outputs.Length; o++)
        {
            if (outputs[o].IsMissing) { node.MarkOutputUnused(o); continue; }
            var inferred = node.Output(o);
            if (inferred.Type != outputs[o].Type || !inferred.Dims.AsSpan().SequenceEqual(outputs[o].Dims))
                throw new InvalidOperationException($"generated step '{nodeName}' ({opType}) output {o}: generated for {outputs[o]}, the runtime infers {inferred}; rebuild with the matching EdgeToken version");
        }
        return op.CreateKernel(node);
    }
}
