using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

public class QConvOperatorTests
{
    [Theory]
    [InlineData(false, 1)] // 1-D
    [InlineData(false, 4)] // 1-D depthwise
    [InlineData(true, 1)]  // 2-D
    [InlineData(true, 4)]  // 2-D depthwise
    public void The_operator_runs_every_image_of_the_batch_as_the_reference(bool twoD, int group)
    {
        var rng = new Random(11);
        int batch = 2, c = 4, m = 4, h = twoD ? 6 : 1, w = 9, kh = twoD ? 3 : 1, kw = 3;
        var g = Int8ConvGeometry.Create(c, h, w, m, kh, kw, group, (1, 2), (1, 1), (twoD ? 1 : 0, 1, twoD ? 1 : 0, 0));
        var x = Int8GemmTests.RandomBytes(batch * c * h * w, rng);
        var wq = Int8GemmTests.RandomBytes(m * g.PatchSize, rng);
        for (int i = 0; i < wq.Length; i++) if (wq[i] == -128) wq[i] = -127;
        var bias = new int[m];
        for (int i = 0; i < m; i++) bias[i] = rng.Next(-3000, 3000);
        var scales = new FixedPointMultiplier[m];
        for (int i = 0; i < m; i++) scales[i] = FixedPointMultiplier.FromReal(0.002 + 0.001 * i);
        int zx = 7, zy = -3;

        int[] xDims = twoD ? [batch, c, h, w] : [batch, c, w];
        int[] wDims = twoD ? [m, c / group, kh, kw] : [m, c / group, kw];
        var attributes = NodeHarness.Attrs(("group", group), ("strides", twoD ? new[] { 1, 2 } : [2]), ("dilations", twoD ? new[] { 1, 1 } : [1]),
            ("pads", twoD ? new[] { 1, 1, 1, 0 } : [1, 0]), ("input_zero_point", zx), ("output_zero_point", zy),
            ("multipliers", scales.Select(s => (long)s.Multiplier).ToArray()), ("shifts", scales.Select(s => (long)s.Shift).ToArray()));
        var node = new NodeHarness(QConv.OpType, attributes,
        [
            ConstantTensor.FromArray(ElementType.Int8, xDims, x), ConstantTensor.FromArray(ElementType.Int8, wDims, wq),
            ConstantTensor.FromArray(ElementType.Int32, [m], Int8Conv.FoldZeroPoint(bias, wq, m, zx)),
        ], constantInputs: true);
        node.Run();
        var actual = node.OutputBytes(0);
        Assert.Equal(twoD ? [batch, m, g.OutH, g.OutW] : new[] { batch, m, g.OutW }, node.Output(0).Dims);

        int inSize = c * h * w, outSize = m * g.OutPixels;
        for (int n = 0; n < batch; n++)
        {
            var expected = new sbyte[outSize];
            Int8Conv.Reference(g, x.AsSpan(n * inSize, inSize), wq, bias, scales, zx, zy, -128, 127, expected);
            Assert.Equal(expected.Select(v => (byte)v), actual.Skip(n * outSize).Take(outSize));
        }
    }
}
