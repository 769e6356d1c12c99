using EdgeToken.Runtime.Kernels.Recurrent;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

/// <summary><c>EdgeToken.QGru</c> as a node: the ONNX GRU's layouts, directions, batch, initial_h and bias folding around
/// <see cref="Int8GruCell"/>, checked against the cell's reference run per direction and batch entry.</summary>
public class QGruOperatorTests
{
    [Theory]
    [InlineData("forward", 0, 1, false, false)]
    [InlineData("reverse", 0, 2, true, true)]
    [InlineData("bidirectional", 0, 2, false, true)]
    [InlineData("bidirectional", 1, 3, true, false)]
    [InlineData("forward", 1, 2, true, true)]
    [InlineData("bidirectional", 1, 2, false, true, 16)] // hidden a multiple of 16: AVX-512BW's fused loop
    [InlineData("reverse", 0, 3, true, false, 32)]
    public void Matches_the_cell_reference_per_direction_and_batch_entry(string direction, int layout, int batch, bool linear, bool initialH, int hidden = 11)
    {
        int steps = 5, input = 3, dirs = direction == "bidirectional" ? 2 : 1, gh = 3 * hidden;
        var layers = Enumerable.Range(0, dirs).Select(d => Int8GruTests.Layer.Random(input, hidden, linear, 40 + d)).ToArray();
        var rng = new Random(2);
        var bias = Enumerable.Range(0, dirs * 2 * gh).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var x = KernelAssert.Random(steps * batch * input, 3, 1.5f);
        var h0 = KernelAssert.Random(dirs * batch * hidden, 4, 0.8f);
        int[] xDims = layout == 0 ? [steps, batch, input] : [batch, steps, input];
        int[] stateDims = layout == 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
        var inputs = new ConstantTensor?[]
        {
            NodeHarness.F(xDims, x),
            ConstantTensor.FromArray(ElementType.Int8, [dirs, 3 * Int8GruCell.PaddedHidden(hidden), Int8GruCell.PaddedDepth(input)], layers.SelectMany(l => l.W).ToArray()),
            ConstantTensor.FromArray(ElementType.Int8, [dirs, 3 * Int8GruCell.PaddedHidden(hidden), Int8GruCell.PaddedDepth(hidden)], layers.SelectMany(l => l.R).ToArray()),
            NodeHarness.F([dirs, 2 * gh], bias),
            null,
            initialH ? NodeHarness.F(stateDims, h0) : null,
            NodeHarness.F([dirs, gh], layers.SelectMany(l => l.WScales).ToArray()),
            NodeHarness.F([dirs, gh], layers.SelectMany(l => l.RScales).ToArray()),
        };
        var attributes = NodeHarness.Attrs(("hidden_size", hidden), ("direction", direction), ("layout", layout), ("linear_before_reset", linear ? 1 : 0));
        var node = new NodeHarness(QGru.OpType, attributes, inputs, constantInputs: true, outputCount: 2);
        node.Run();
        var y = node.OutputFloats(0);
        var yh = node.OutputFloats(1);

        var g = new RecurrentGeometry(steps, batch, input, hidden, 3, dirs, direction == "reverse", layout);
        for (int d = 0; d < dirs; d++)
        {
            // The folded bias as the operator documents it: Wb + Rb, the candidate's Rb apart under linear_before_reset.
            var b = new float[gh];
            var rbh = linear ? new float[hidden] : [];
            for (int i = 0; i < gh; i++) b[i] = bias[d * 2 * gh + i] + (linear && i >= 2 * hidden ? 0 : bias[d * 2 * gh + gh + i]);
            if (linear) Array.Copy(bias, d * 2 * gh + gh + 2 * hidden, rbh, 0, hidden);
            var l = layers[d];
            var weights = new Int8GruWeights(l.W, l.WScales, l.R, l.RScales, b, rbh, input, hidden);
            for (int e = 0; e < batch; e++)
            {
                var xs = new float[steps * input];
                for (int t = 0; t < steps; t++) Array.Copy(x, g.Row(t, e) * input, xs, t * input, input);
                var h = initialH ? h0.AsSpan(g.StateOffset(d, e), hidden).ToArray() : new float[hidden];
                var ys = new float[steps * hidden];
                Int8GruCell.Reference(weights, xs, input, float.PositiveInfinity, h, steps, g.IsReverse(d), ys, hidden);
                for (int t = 0; t < steps; t++) KernelAssert.Close(ys.AsSpan(t * hidden, hidden), y.AsSpan(g.YOffset(t, d, e), hidden), 0f, 2e-3f);
                KernelAssert.Close(h, yh.AsSpan(g.StateOffset(d, e), hidden), 0f, 2e-3f);
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        node.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Sequence_lens_is_refused_with_the_node_name()
    {
        var inputs = new ConstantTensor?[]
        {
            NodeHarness.F([2, 1, 4], new float[8]),
            ConstantTensor.FromArray(ElementType.Int8, [1, 24, 4], new sbyte[96]),
            ConstantTensor.FromArray(ElementType.Int8, [1, 24, 8], new sbyte[192]),
            null,
            ConstantTensor.FromArray(ElementType.Int32, [1], new[] { 2 }),
            null,
            NodeHarness.F([1, 24], new float[24]),
            NodeHarness.F([1, 24], new float[24]),
        };
        var e = Assert.ThrowsAny<Exception>(() => new NodeHarness(QGru.OpType, NodeHarness.Attrs(("hidden_size", 8)), inputs, true, 2));
        Assert.Contains("sequence_lens", e.Message);
        Assert.Contains("'node'", e.Message);
    }
}
