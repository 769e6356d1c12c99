using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Normalization;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class NormalizationTests
{
    private static ConstantTensor Floats(int[] dims, float[] values) => ConstantTensor.FromArray(ElementType.Float32, dims, values);

    private static NodeAttributes Attrs(params (string Name, AttributeValue Value)[] attrs)
    {
        var d = new Dictionary<string, AttributeValue>();
        foreach (var (n, v) in attrs) d[n] = v;
        return new NodeAttributes(d);
    }

    private static int[] RandomDims(Random rng, int minRank, int maxRank, int maxDim)
    {
        var dims = new int[rng.Next(minRank, maxRank + 1)];
        for (int d = 0; d < dims.Length; d++) dims[d] = rng.Next(1, maxDim + 1);
        return dims;
    }

    [Fact]
    public void Vector_helpers_match_scalar_references_for_every_length()
    {
        for (int n = 0; n <= 67; n++)
        {
            var x = KernelAssert.Random(n, seed: n, scale: 4f);
            float mean = n == 0 ? 0f : x.Average();
            Assert.Equal(Moments.SquaredDeviationsScalar(x, mean), Moments.SquaredDeviations(x, mean), 1e-3f);
            var expected = new float[n];
            var actual = new float[n];
            ScaleShift.Scalar(x, 1.5f, -0.25f, expected);
            ScaleShift.Run(x, 1.5f, -0.25f, actual);
            KernelAssert.Close(expected, actual);
        }
    }

    [Fact]
    public void LayerNormalization_matches_reference_for_every_axis()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 120; trial++)
        {
            var dims = RandomDims(rng, 1, 4, trial < 80 ? 5 : 40);
            int rank = dims.Length;
            int axis = rng.Next(rank);
            long axisAttr = rng.Next(2) == 0 ? axis : axis - rank;
            var normalized = dims[axis..];
            int inner = (int)Shape.ElementCount(normalized);
            int outer = (int)Shape.ElementCount(dims) / inner;
            // Sometimes give the scale only the last dimension, which broadcasts over the others.
            bool broadcastScale = rng.Next(3) == 0;
            int[] scaleDims = broadcastScale ? [normalized[^1]] : normalized;
            bool withBias = rng.Next(2) == 0;
            float eps = rng.Next(2) == 0 ? 1e-5f : 0.1f;
            var x = KernelAssert.Random(outer * inner, trial, 3f);
            for (int i = 0; i < x.Length; i++) x[i] += 2f; // an offset so the mean matters
            var scale = KernelAssert.Random((int)Shape.ElementCount(scaleDims), trial + 1000);
            var bias = KernelAssert.Random(inner, trial + 2000);

            var inputs = withBias
                ? new ConstantTensor?[] { Floats(dims, x), Floats(scaleDims, scale), Floats(normalized, bias) }
                : [Floats(dims, x), Floats(scaleDims, scale)];
            var attrs = Attrs(("axis", AttributeValue.Of(axisAttr)), ("epsilon", AttributeValue.Of(eps)));
            var outs = SingleNodeRunner.Run("LayerNormalization", attrs, inputs, outputCount: 3, opset: 17);

            var expY = new float[x.Length];
            var expMean = new float[outer];
            var expInv = new float[outer];
            for (int o = 0; o < outer; o++)
            {
                double m = 0;
                for (int i = 0; i < inner; i++) m += x[o * inner + i];
                m /= inner;
                double v = 0;
                for (int i = 0; i < inner; i++) v += (x[o * inner + i] - m) * (x[o * inner + i] - m);
                v /= inner;
                double inv = 1 / Math.Sqrt(v + eps);
                for (int i = 0; i < inner; i++)
                {
                    float s = broadcastScale ? scale[i % normalized[^1]] : scale[i];
                    expY[o * inner + i] = (float)((x[o * inner + i] - m) * inv * s + (withBias ? bias[i] : 0));
                }
                expMean[o] = (float)m;
                expInv[o] = (float)inv;
            }
            var reducedDims = new int[rank];
            for (int d = 0; d < rank; d++) reducedDims[d] = d < axis ? dims[d] : 1;
            Assert.Equal(dims, outs[0].Dims);
            Assert.Equal(reducedDims, outs[1].Dims);
            Assert.Equal(reducedDims, outs[2].Dims);
            KernelAssert.Close(expY, outs[0].AsSpan<float>(), 1e-4f, 1e-4f);
            KernelAssert.Close(expMean, outs[1].AsSpan<float>(), 1e-5f, 1e-5f);
            KernelAssert.Close(expInv, outs[2].AsSpan<float>(), 1e-4f, 1e-5f);
        }
    }

    [Fact]
    public void LayerNormalization_vector_path_matches_its_scalar_reference()
    {
        for (int inner = 1; inner <= 40; inner++)
        {
            var x = KernelAssert.Random(3 * inner, inner, 2f);
            var scale = KernelAssert.Random(inner, inner + 100);
            var bias = KernelAssert.Random(inner, inner + 200);
            var e = new float[x.Length];
            var a = new float[x.Length];
            var em = new float[3];
            var am = new float[3];
            var ei = new float[3];
            var ai = new float[3];
            LayerNormalization.Scalar(x, scale, bias, 1e-5f, inner, e, em, ei);
            LayerNormalization.Run(x, scale, bias, 1e-5f, inner, a, am, ai);
            KernelAssert.Close(e, a, 1e-4f, 1e-4f);
            KernelAssert.Close(em, am, 1e-5f, 1e-5f);
            KernelAssert.Close(ei, ai, 1e-4f, 1e-4f);
        }
    }

    [Fact]
    public void InstanceNormalization_matches_reference()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 60; trial++)
        {
            var dims = RandomDims(rng, 2, 4, trial < 40 ? 4 : 20);
            int c = dims[1];
            int spatial = (int)Shape.ElementCount(dims.AsSpan(2));
            var x = KernelAssert.Random((int)Shape.ElementCount(dims), trial, 3f);
            var scale = KernelAssert.Random(c, trial + 1);
            var bias = KernelAssert.Random(c, trial + 2);
            float eps = 0.01f;
            var y = SingleNodeRunner.Run("InstanceNormalization", Attrs(("epsilon", AttributeValue.Of(eps))),
                [Floats(dims, x), Floats([c], scale), Floats([c], bias)], opset: 22);
            var expected = new float[x.Length];
            InstanceNormalization.Scalar(x, scale, bias, eps, c, spatial, expected);
            KernelAssert.Close(expected, y[0].AsSpan<float>(), 1e-4f, 1e-4f);

            // And the scalar kernel against the spec formula in double.
            for (int p = 0; p < x.Length / spatial; p++)
            {
                var plane = x.AsSpan(p * spatial, spatial).ToArray();
                double m = plane.Average(v => (double)v);
                double v = plane.Sum(q => (q - m) * (q - m)) / spatial;
                for (int i = 0; i < spatial; i++)
                    Assert.Equal(scale[p % c] * (plane[i] - m) / Math.Sqrt(v + eps) + bias[p % c], expected[p * spatial + i], 1e-4);
            }
        }
    }

    [Fact]
    public void BatchNormalization_inference_matches_reference()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 40; trial++)
        {
            var dims = RandomDims(rng, 2, 4, 9);
            int c = dims[1];
            int spatial = (int)Shape.ElementCount(dims.AsSpan(2));
            var x = KernelAssert.Random((int)Shape.ElementCount(dims), trial, 3f);
            var scale = KernelAssert.Random(c, trial + 1);
            var bias = KernelAssert.Random(c, trial + 2);
            var mean = KernelAssert.Random(c, trial + 3);
            var variance = KernelAssert.Random(c, trial + 4).Select(v => Math.Abs(v) + 0.1f).ToArray();
            var y = SingleNodeRunner.Run("BatchNormalization", NodeAttributes.Empty,
                [Floats(dims, x), Floats([c], scale), Floats([c], bias), Floats([c], mean), Floats([c], variance)], opset: 15);
            var expected = new float[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                int ch = i / spatial % c;
                expected[i] = (float)(scale[ch] * (x[i] - mean[ch]) / Math.Sqrt(variance[ch] + 1e-5) + bias[ch]);
            }
            KernelAssert.Close(expected, y[0].AsSpan<float>(), 1e-4f, 1e-5f);
        }
    }

    [Fact]
    public void BatchNormalization_training_mode_uses_batch_statistics_and_updates_running_ones()
    {
        int[] dims = [2, 3, 2, 5];
        int c = 3, spatial = 10, n = 2;
        var x = KernelAssert.Random(60, 5, 2f);
        var scale = KernelAssert.Random(c, 6);
        var bias = KernelAssert.Random(c, 7);
        var mean = KernelAssert.Random(c, 8);
        var variance = new[] { 0.5f, 1f, 2f };
        float momentum = 0.7f, eps = 1e-3f;
        var attrs = Attrs(("training_mode", AttributeValue.Of(1L)), ("momentum", AttributeValue.Of(momentum)), ("epsilon", AttributeValue.Of(eps)));
        var outs = SingleNodeRunner.Run("BatchNormalization", attrs,
            [Floats(dims, x), Floats([c], scale), Floats([c], bias), Floats([c], mean), Floats([c], variance)], outputCount: 3, opset: 15);

        var expY = new float[x.Length];
        var expMean = new float[c];
        var expVar = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            var values = new List<double>();
            for (int b = 0; b < n; b++) for (int s = 0; s < spatial; s++) values.Add(x[(b * c + ch) * spatial + s]);
            double m = values.Average();
            double v = values.Sum(q => (q - m) * (q - m)) / values.Count;
            for (int b = 0; b < n; b++)
                for (int s = 0; s < spatial; s++)
                {
                    int i = (b * c + ch) * spatial + s;
                    expY[i] = (float)(scale[ch] * (x[i] - m) / Math.Sqrt(v + eps) + bias[ch]);
                }
            expMean[ch] = (float)(mean[ch] * momentum + m * (1 - momentum));
            expVar[ch] = (float)(variance[ch] * momentum + v * (1 - momentum));
        }
        KernelAssert.Close(expY, outs[0].AsSpan<float>(), 1e-4f, 1e-5f);
        Assert.Equal(new[] { c }, outs[1].Dims);
        KernelAssert.Close(expMean, outs[1].AsSpan<float>(), 1e-5f, 1e-6f);
        KernelAssert.Close(expVar, outs[2].AsSpan<float>(), 1e-5f, 1e-6f);
    }

    [Fact]
    public void Kernels_that_declare_in_place_give_the_same_result_when_output_is_input()
    {
        int c = 3, spatial = 13, inner = 2 * spatial;
        var x = KernelAssert.Random(2 * c * spatial, 1, 2f);
        var scale = KernelAssert.Random(inner, 2);
        var bias = KernelAssert.Random(inner, 3);
        var variance = KernelAssert.Random(c, 4).Select(v => Math.Abs(v) + 0.5f).ToArray();
        var scratch = new float[2 * c];

        var expected = new float[x.Length];
        var actual = (float[])x.Clone();
        LayerNormalization.Run(x, scale, bias, 1e-5f, inner, expected, Span<float>.Empty, Span<float>.Empty);
        LayerNormalization.Run(actual, scale, bias, 1e-5f, inner, actual, Span<float>.Empty, Span<float>.Empty);
        Assert.Equal(expected, actual);

        actual = (float[])x.Clone();
        InstanceNormalization.Run(x, scale, bias, 1e-5f, c, spatial, expected);
        InstanceNormalization.Run(actual, scale, bias, 1e-5f, c, spatial, actual);
        Assert.Equal(expected, actual);

        actual = (float[])x.Clone();
        BatchNormalization.Run(x, scale, bias, bias, variance, 1e-5f, c, spatial, expected, scratch);
        BatchNormalization.Run(actual, scale, bias, bias, variance, 1e-5f, c, spatial, actual, scratch);
        Assert.Equal(expected, actual);
    }
}
