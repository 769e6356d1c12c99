using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

/// <summary>Kernel.Run must not allocate: checked with the thread's allocation counter around a second run
/// (the first may JIT).</summary>
public class ElementwiseAllocationTests
{
    private static ConstantTensor F(int[] dims) => ConstantTensor.FromArray(ElementType.Float32, dims, KernelAssert.Random((int)Shape.ElementCount(dims), 1));

    public static TheoryData<string, int> Cases => new()
    {
        { "Add", 0 }, { "Div", 1 }, { "Pow", 2 }, { "Cast", 3 }, { "Clip", 4 }, { "Softmax", 5 }, { "LogSoftmax", 6 },
        { "Gelu", 7 }, { "PRelu", 8 }, { "Erf", 9 }, { "Sigmoid", 10 }, { "Selu", 11 }, { "Mul", 12 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_allocates_nothing(string opType, int caseId)
    {
        var attrs = NodeAttributes.Empty;
        ConstantTensor?[] inputs = caseId switch
        {
            0 => [F([2, 3, 17]), F([3, 1])],
            1 => [ConstantTensor.FromArray(ElementType.Int32, [40], Enumerable.Range(0, 40).ToArray()), ConstantTensor.FromArray(ElementType.Int32, [], new[] { 3 })],
            2 => [F([4, 9]), ConstantTensor.FromArray(ElementType.Int64, [9], new long[9])],
            3 => [F([33])],
            4 => [F([70]), ConstantTensor.FromArray(ElementType.Float32, [], new[] { -0.1f }), null],
            5 or 6 => [F([2, 5, 19])],
            8 => [F([2, 3, 4, 4]), F([3, 1, 1])],
            12 => [F([1, 70]), F([5, 1])],
            _ => [F([70])],
        };
        if (caseId == 3) attrs = new(new Dictionary<string, AttributeValue> { ["to"] = AttributeValue.Of((long)ElementType.Float16) });
        if (caseId is 5 or 6) attrs = new(new Dictionary<string, AttributeValue> { ["axis"] = AttributeValue.Of(1L) });

        Assert.True(OperatorRegistry.TryGet(opType, out var op));
        var infos = inputs.Select(t => t is null ? TensorInfo.Missing : new TensorInfo(t.Type, t.Dims)).ToArray();
        var node = new NodeContext("n", opType, 22, attrs, infos, inputs, 1);
        op.InferOutputs(node);
        var kernel = op.CreateKernel(node);

        var inSlots = new SlotRef[inputs.Length];
        int offset = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null) continue;
            inSlots[i] = new SlotRef(SlotKind.Arena, offset, inputs[i]!.Bytes.Length);
            offset = SingleNodeRunner.Align(offset + inputs[i]!.Bytes.Length);
        }
        var outSlots = new[] { new SlotRef(SlotKind.Arena, offset, (int)node.Output(0).ByteCount) };
        var arena = new byte[offset + (int)node.Output(0).ByteCount];
        for (int i = 0; i < inputs.Length; i++) inputs[i]?.Bytes.Span.CopyTo(arena.AsSpan(inSlots[i].Offset));
        var scratch = new byte[kernel.ScratchBytes];

        kernel.Run(new KernelArgs(arena, default, inSlots, outSlots, scratch));
        long before = GC.GetAllocatedBytesForCurrentThread();
        kernel.Run(new KernelArgs(arena, default, inSlots, outSlots, scratch));
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
    }
}
