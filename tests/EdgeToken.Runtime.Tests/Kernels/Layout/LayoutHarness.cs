using System.Runtime.InteropServices;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Layout;

/// <summary>Runs one node like <see cref="Execution.SingleNodeRunner"/>, but lets a test keep inputs out of the
/// node's constants (run-time values), place output 0 on input 0's buffer (a planned view), and count the bytes
/// the kernel allocates on a second run.</summary>
internal sealed class LayoutHarness
{
    public string OpType = "";
    public int Opset = 22;
    public int Outputs = 1;
    public Dictionary<string, AttributeValue> Attributes = new(StringComparer.Ordinal);
    public ConstantTensor?[] Inputs = [];
    /// <summary>Indexes of inputs the node sees as computed at run time.</summary>
    public int[] RuntimeInputs = [];
    public bool ShareInputWithOutput;

    public LayoutHarness(string opType, params ConstantTensor?[] inputs)
    {
        OpType = opType;
        Inputs = inputs;
    }

    public LayoutHarness With(string name, long value) { Attributes[name] = AttributeValue.Of(value); return this; }
    public LayoutHarness With(string name, float value) { Attributes[name] = AttributeValue.Of(value); return this; }
    public LayoutHarness With(string name, string value) { Attributes[name] = AttributeValue.Of(value); return this; }
    public LayoutHarness With(string name, long[] value) { Attributes[name] = AttributeValue.Of(value); return this; }
    public LayoutHarness With(string name, float[] value) { Attributes[name] = AttributeValue.Of(value); return this; }
    public LayoutHarness With(string name, ConstantTensor value) { Attributes[name] = AttributeValue.Of(value); return this; }

    public NodeContext Context()
    {
        var infos = new TensorInfo[Inputs.Length];
        var constants = new ConstantTensor?[Inputs.Length];
        for (int i = 0; i < Inputs.Length; i++)
        {
            infos[i] = Inputs[i] is { } t ? new TensorInfo(t.Type, t.Dims) : TensorInfo.Missing;
            constants[i] = Array.IndexOf(RuntimeInputs, i) >= 0 ? null : Inputs[i];
        }
        return new NodeContext("n", OpType, Opset, new NodeAttributes(Attributes), infos, constants, Outputs);
    }

    public ConstantTensor[] Run() => Run(out _);

    public ConstantTensor Run0() => Run()[0];

    /// <summary>Runs twice; <paramref name="allocated"/> is what the second run allocated.</summary>
    public ConstantTensor[] Run(out long allocated)
    {
        Assert.True(OperatorRegistry.TryGet(OpType, out var op), $"{OpType} is registered");
        var node = Context();
        op.InferOutputs(node);
        var kernel = op.CreateKernel(node);
        var inSlots = new SlotRef[Inputs.Length];
        var outSlots = new SlotRef[Outputs];
        int offset = 0;
        for (int i = 0; i < Inputs.Length; i++)
        {
            if (Inputs[i] is null) continue;
            inSlots[i] = new SlotRef(SlotKind.Arena, offset, Inputs[i]!.Bytes.Length);
            offset = Align(offset + Inputs[i]!.Bytes.Length);
        }
        for (int i = 0; i < Outputs; i++)
        {
            if (!node.HasOutput(i)) continue;
            int len = checked((int)node.Output(i).ByteCount);
            if (i == 0 && ShareInputWithOutput)
            {
                Assert.True(op.IsView(node));
                outSlots[0] = new SlotRef(SlotKind.Arena, inSlots[0].Offset, len);
                continue;
            }
            outSlots[i] = new SlotRef(SlotKind.Arena, offset, len);
            offset = Align(offset + len);
        }
        var arena = new byte[offset + 64];
        var scratch = new byte[kernel.ScratchBytes];
        allocated = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < Inputs.Length; i++) Inputs[i]?.Bytes.Span.CopyTo(arena.AsSpan(inSlots[i].Offset));
            long before = GC.GetAllocatedBytesForCurrentThread();
            kernel.Run(new KernelArgs(arena, ReadOnlySpan<byte>.Empty, inSlots, outSlots, scratch));
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var outputs = new ConstantTensor[Outputs];
        for (int i = 0; i < Outputs; i++)
        {
            var info = node.Output(i);
            outputs[i] = info.IsMissing
                ? new ConstantTensor(ElementType.Float32, [0], Array.Empty<byte>())
                : new ConstantTensor(info.Type, info.Dims, arena.AsSpan(outSlots[i].Offset, outSlots[i].Length).ToArray());
        }
        return outputs;
    }

    private static int Align(int offset) => (offset + 63) & ~63;
}

/// <summary>Tensor builders and numpy-style index helpers for the layout and quantization tests.</summary>
internal static class T
{
    public static ConstantTensor F(int[] shape, params float[] values) => ConstantTensor.FromArray(ElementType.Float32, shape, values);
    public static ConstantTensor I64(params long[] values) => ConstantTensor.FromArray(ElementType.Int64, [values.Length], values);
    public static ConstantTensor I32(params int[] values) => ConstantTensor.FromArray(ElementType.Int32, [values.Length], values);
    public static ConstantTensor Of<TValue>(ElementType type, int[] shape, TValue[] values) where TValue : unmanaged => ConstantTensor.FromArray(type, shape, values);
    public static ConstantTensor Scalar(float value) => ConstantTensor.FromArray(ElementType.Float32, [], [value]);

    /// <summary>0, 1, 2, ... as float32 (every element distinct, so a misplaced one shows).</summary>
    public static ConstantTensor Arange(params int[] shape)
    {
        var v = new float[Shape.ElementCount(shape)];
        for (int i = 0; i < v.Length; i++) v[i] = i;
        return F(shape, v);
    }

    public static float[] Floats(ConstantTensor t) => t.AsSpan<float>().ToArray();

    public static int[] Coordinates(int[] dims, long flat)
    {
        var c = new int[dims.Length];
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            c[i] = (int)(flat % dims[i]);
            flat /= dims[i];
        }
        return c;
    }

    public static long Flat(int[] dims, int[] coordinates)
    {
        long f = 0;
        for (int i = 0; i < dims.Length; i++) f = f * dims[i] + coordinates[i];
        return f;
    }

    public static byte[] Bytes(ConstantTensor t) => MemoryMarshal.AsBytes(t.Bytes.Span).ToArray();
}
