using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

/// <summary>Builds and runs one node like <see cref="SingleNodeRunner"/>, but lets a test choose which inputs
/// the operator sees as constants, so both the pre-packed-weight path and the pack-at-run-time path run,
/// and keeps the kernel and its buffers so a test can run it again (allocation checks).</summary>
internal sealed class NodeHarness
{
    private readonly Kernel _kernel;
    private readonly byte[] _arena;
    private readonly byte[] _scratch;
    private readonly SlotRef[] _inSlots;
    private readonly SlotRef[] _outSlots;
    private readonly NodeContext _node;

    public NodeHarness(string opType, NodeAttributes attributes, ConstantTensor?[] inputs, bool constantInputs, int outputCount = 1, int opset = 22)
        : this(opType, attributes, inputs, inputs.Select(_ => constantInputs).ToArray(), outputCount, opset) { }

    /// <param name="constant">Per input, whether the operator sees it as a constant (weights) or only at run time.</param>
    public NodeHarness(string opType, NodeAttributes attributes, ConstantTensor?[] inputs, bool[] constant, int outputCount = 1, int opset = 22)
    {
        Assert.True(OperatorRegistry.TryGet(opType, out var op));
        var infos = new TensorInfo[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            infos[i] = inputs[i] is { } t ? new TensorInfo(t.Type, t.Dims) : TensorInfo.Missing;
        var constants = inputs.Select((t, i) => constant[i] ? t : null).ToArray();
        _node = new NodeContext("node", opType, opset, attributes, infos, constants, outputCount);
        op.InferOutputs(_node);
        _kernel = op.CreateKernel(_node);
        _inSlots = new SlotRef[inputs.Length];
        _outSlots = new SlotRef[outputCount];
        int offset = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null) continue;
            _inSlots[i] = new SlotRef(SlotKind.Arena, offset, inputs[i]!.Bytes.Length);
            offset = SingleNodeRunner.Align(offset + inputs[i]!.Bytes.Length);
        }
        for (int i = 0; i < outputCount; i++)
        {
            if (!_node.HasOutput(i)) continue;
            int len = checked((int)_node.Output(i).ByteCount);
            _outSlots[i] = new SlotRef(SlotKind.Arena, offset, len);
            offset = SingleNodeRunner.Align(offset + len);
        }
        _arena = new byte[offset];
        // Poison outputs so a kernel that forgets to write an element is caught.
        for (int i = 0; i < outputCount; i++)
            if (_outSlots[i].Kind != SlotKind.None) _arena.AsSpan(_outSlots[i].Offset, _outSlots[i].Length).Fill(0x7F);
        for (int i = 0; i < inputs.Length; i++) inputs[i]?.Bytes.Span.CopyTo(_arena.AsSpan(_inSlots[i].Offset));
        _scratch = new byte[_kernel.ScratchBytes];
        _scratch.AsSpan().Fill(0x7F);
    }

    public TensorInfo Output(int i) => _node.Output(i);

    /// <summary>The kernel the operator chose, for tests that check which layout it took.</summary>
    public Kernel Kernel => _kernel;

    public void Run() => _kernel.Run(new KernelArgs(_arena, ReadOnlySpan<byte>.Empty, _inSlots, _outSlots, _scratch));

    public float[] OutputFloats(int i = 0) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_arena.AsSpan(_outSlots[i].Offset, _outSlots[i].Length)).ToArray();

    public byte[] OutputBytes(int i) => _arena.AsSpan(_outSlots[i].Offset, _outSlots[i].Length).ToArray();

    public static float[] RunFloats(string opType, NodeAttributes attributes, ConstantTensor?[] inputs, bool constantInputs, out int[] dims)
    {
        var h = new NodeHarness(opType, attributes, inputs, constantInputs);
        h.Run();
        dims = h.Output(0).Dims;
        return h.OutputFloats();
    }

    public static ConstantTensor F(int[] dims, float[] values) => ConstantTensor.FromArray(ElementType.Float32, dims, values);

    public static NodeAttributes Attrs(params (string Name, object Value)[] values)
    {
        var d = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
            d[name] = value switch
            {
                int i => AttributeValue.Of((long)i),
                long l => AttributeValue.Of(l),
                float f => AttributeValue.Of(f),
                string s => AttributeValue.Of(s),
                int[] a => AttributeValue.Of(Array.ConvertAll(a, x => (long)x)),
                long[] a => AttributeValue.Of(a),
                float[] a => AttributeValue.Of(a),
                _ => throw new ArgumentException(name),
            };
        return new NodeAttributes(d);
    }
}
