using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Execution;

/// <summary>Runs one node on known inputs. Used by the compiler's constant folding and by kernel tests.
/// It allocates (it is not a hot path); plans run through the plan executor.</summary>
public static class SingleNodeRunner
{
    public static ConstantTensor[] Run(string opType, NodeAttributes attributes, ConstantTensor?[] inputs, int outputCount = 1, int opset = 22, string nodeName = "node")
    {
        if (!OperatorRegistry.TryGet(opType, out var op))
            throw new UnsupportedOperatorException($"operator {opType} is not supported");
        var infos = new TensorInfo[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            infos[i] = inputs[i] is { } t ? new TensorInfo(t.Type, t.Dims) : TensorInfo.Missing;
        var node = new NodeContext(nodeName, opType, opset, attributes, infos, inputs, outputCount);
        op.InferOutputs(node);
        var kernel = op.CreateKernel(node);

        // Lay inputs and then outputs end to end in a small arena, 64-byte aligned as the planner does.
        var inSlots = new SlotRef[inputs.Length];
        var outSlots = new SlotRef[outputCount];
        int offset = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null) continue;
            int len = inputs[i]!.Bytes.Length;
            inSlots[i] = new SlotRef(SlotKind.Arena, offset, len);
            offset = Align(offset + len);
        }
        for (int i = 0; i < outputCount; i++)
        {
            if (!node.HasOutput(i)) continue;
            int len = checked((int)node.Output(i).ByteCount);
            outSlots[i] = new SlotRef(SlotKind.Arena, offset, len);
            offset = Align(offset + len);
        }
        var arena = new byte[offset];
        for (int i = 0; i < inputs.Length; i++)
            inputs[i]?.Bytes.Span.CopyTo(arena.AsSpan(inSlots[i].Offset));
        var scratch = new byte[kernel.ScratchBytes];
        kernel.Run(new KernelArgs(arena, ReadOnlySpan<byte>.Empty, inSlots, outSlots, scratch));

        var outputs = new ConstantTensor[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            var info = node.Output(i);
            outputs[i] = info.IsMissing
                ? new ConstantTensor(ElementType.Float32, [0], Array.Empty<byte>())
                : new ConstantTensor(info.Type, info.Dims, arena.AsSpan(outSlots[i].Offset, outSlots[i].Length).ToArray());
        }
        return outputs;
    }

    public static int Align(int offset) => (offset + 63) & ~63;
}
