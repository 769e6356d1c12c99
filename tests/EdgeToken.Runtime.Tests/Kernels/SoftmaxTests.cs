using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Activations;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class SoftmaxTests
{
    private static NodeAttributes Axis(long axis) => new(new Dictionary<string, AttributeValue> { ["axis"] = AttributeValue.Of(axis) });

    [Fact]
    public void Vector_paths_match_scalar_reference_for_rows_and_strided_blocks()
    {
        foreach (var layout in new[] { new SoftmaxLayout(3, 1, 1), new SoftmaxLayout(1, 0, 1) }
                     .Concat(Enumerable.Range(1, 67).Select(n => new SoftmaxLayout(2, n, 1)))
                     .Concat(Enumerable.Range(1, 67).Select(n => new SoftmaxLayout(2, 3, n))))
        {
            int count = layout.Outer * layout.Axis * layout.Inner;
            var x = KernelAssert.Random(count, seed: count + layout.Inner, scale: 30f);
            var expected = new float[count];
            var actual = new float[count];
            var scratch = new float[Math.Max(Softmax.ScratchFloats(layout), LogSoftmax.ScratchFloats(layout))];

            Softmax.Scalar(x, expected, layout);
            Softmax.Run(x, actual, layout, scratch);
            KernelAssert.Close(expected, actual, rtol: 2e-6f, atol: 1e-9f);
            var inPlace = (float[])x.Clone();
            Softmax.Run(inPlace, inPlace, layout, scratch);
            Assert.Equal(actual, inPlace);

            LogSoftmax.Scalar(x, expected, layout);
            LogSoftmax.Run(x, actual, layout, scratch);
            KernelAssert.Close(expected, actual, rtol: 2e-6f, atol: 2e-6f);
            inPlace = (float[])x.Clone();
            LogSoftmax.Run(inPlace, inPlace, layout, scratch);
            Assert.Equal(actual, inPlace);
        }
    }

    [Fact]
    public void Large_numbers_do_not_overflow()
    {
        var x = ConstantTensor.FromArray(ElementType.Float32, [2, 4], new[] { 0f, 1f, 2f, 3f, 10000f, 10001f, 10002f, 10003f });
        float[] p = [0.032058604f, 0.08714432f, 0.23688284f, 0.6439143f];
        KernelAssert.Close([.. p, .. p], SingleNodeRunner.Run("Softmax", NodeAttributes.Empty, [x])[0].AsSpan<float>());
        float[] l = [-3.4401896f, -2.4401896f, -1.4401897f, -0.44018975f];
        KernelAssert.Close([.. l, .. l], SingleNodeRunner.Run("LogSoftmax", NodeAttributes.Empty, [x])[0].AsSpan<float>());
    }

    public static TheoryData<long, int> Axes => new() { { 0, 13 }, { 1, 13 }, { 2, 13 }, { -1, 13 }, { -2, 13 }, { 0, 11 }, { 1, 11 }, { 2, 11 }, { -1, 11 } };

    [Theory]
    [MemberData(nameof(Axes))]
    public void Axis_semantics_follow_the_opset(long axis, int opset)
    {
        int[] dims = [3, 4, 5];
        var x = KernelAssert.Random(60, seed: 8, scale: 3f);
        var y = SingleNodeRunner.Run("Softmax", Axis(axis), [ConstantTensor.FromArray(ElementType.Float32, dims, x)], opset: opset)[0].AsSpan<float>().ToArray();
        var logY = SingleNodeRunner.Run("LogSoftmax", Axis(axis), [ConstantTensor.FromArray(ElementType.Float32, dims, x)], opset: opset)[0].AsSpan<float>().ToArray();
        int a = (int)(axis < 0 ? axis + 3 : axis);

        // Independent expectation: opset 13 normalises along one axis; before, over the flattened trailing block.
        int outer = dims[..a].Aggregate(1, (p, d) => p * d);
        int block = 60 / outer;
        for (int o = 0; o < outer; o++)
        {
            var groups = opset >= 13
                ? Enumerable.Range(0, block / dims[a]).Select(j => Enumerable.Range(0, dims[a]).Select(k => o * block + k * (block / dims[a]) + j).ToArray())
                : [Enumerable.Range(o * block, block).ToArray()];
            foreach (var g in groups)
            {
                double max = g.Max(i => x[i]);
                double sum = g.Sum(i => Math.Exp(x[i] - max));
                foreach (int i in g)
                {
                    Assert.Equal(Math.Exp(x[i] - max) / sum, y[i], 1e-6);
                    Assert.Equal(x[i] - max - Math.Log(sum), logY[i], 1e-5);
                }
            }
        }
    }

    [Fact]
    public void Defaults_are_last_axis_from_13_and_axis_1_before()
    {
        var x = ConstantTensor.FromArray(ElementType.Float32, [2, 2, 2], new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f });
        var y13 = SingleNodeRunner.Run("Softmax", NodeAttributes.Empty, [x], opset: 13)[0].AsSpan<float>().ToArray();
        var y11 = SingleNodeRunner.Run("Softmax", NodeAttributes.Empty, [x], opset: 11)[0].AsSpan<float>().ToArray();
        KernelAssert.Close(SingleNodeRunner.Run("Softmax", Axis(2), [x], opset: 13)[0].AsSpan<float>(), y13);
        Assert.Equal(1f, y13[0] + y13[1], 1e-6f);
        Assert.Equal(1f, y11[0] + y11[1] + y11[2] + y11[3], 1e-6f);
        Assert.Throws<ShapeException>(() => SingleNodeRunner.Run("Softmax", Axis(3), [x], opset: 13));
    }

    [Fact]
    public void Strided_kernel_declares_the_scratch_it_uses()
    {
        Assert.True(OperatorRegistry.TryGet("LogSoftmax", out var op));
        var node = new NodeContext("n", "LogSoftmax", 13, Axis(1), [new TensorInfo(ElementType.Float32, [2, 3, 7])], [null], 1);
        op.InferOutputs(node);
        Assert.Equal(3 * 7 * sizeof(float), op.CreateKernel(node).ScratchBytes);
        var row = new NodeContext("n", "LogSoftmax", 13, NodeAttributes.Empty, [new TensorInfo(ElementType.Float32, [2, 3, 7])], [null], 1);
        op.InferOutputs(row);
        Assert.Equal(7 * sizeof(float), op.CreateKernel(row).ScratchBytes);
    }
}
