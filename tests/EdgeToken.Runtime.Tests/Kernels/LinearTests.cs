using static EdgeToken.Runtime.Tests.Kernels.NodeHarness;

namespace EdgeToken.Runtime.Tests.Kernels;

public class LinearTests
{
    public static IEnumerable<object[]> GemmCases()
    {
        int[][] cShapes = [[], [1], [7], [1, 7], [5, 1], [5, 7], [1, 1]];
        int i = 0;
        foreach (var c in cShapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    yield return [c, ta, tb, i++];
        yield return new object[] { null!, false, true, 99 };
    }

    /// <summary>One row against constant weights (a window through a Linear layer), as the plan executor runs it: the
    /// matrix-vector kernel over B laid out once, with every C shape, both transposes, alpha, beta 1 (C as the bias), 1.5
    /// and 0, and a fused Relu.</summary>
    [Fact]
    public void One_row_gemm_on_constant_weights_runs_the_matrix_vector_kernel_and_matches_the_reference()
    {
        int k = 90, n = 33, seed = 0;
        foreach (var cShape in new int[]?[] { null, [], [1], [n], [1, n], [1, 1] })
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (var (alpha, beta, relu) in new[] { (1f, 1f, false), (0.75f, 1.5f, true), (1f, 0f, false) })
                    {
                        seed++;
                        var a = KernelAssert.Random(k, seed);
                        var b = KernelAssert.Random(k * n, seed + 1);
                        float[]? c = cShape is null ? null : KernelAssert.Random(Math.Max(1, cShape.Aggregate(1, (x, y) => x * y)), seed + 2);
                        var expected = new float[n];
                        for (int j = 0; j < n; j++)
                        {
                            double sum = 0;
                            for (int p = 0; p < k; p++) sum += (double)a[p] * (transB ? b[j * k + p] : b[p * n + j]);
                            double cv = c is null ? 0 : c[c.Length == 1 ? 0 : j];
                            float v = (float)(alpha * sum + beta * cv);
                            expected[j] = relu ? Math.Max(v, 0f) : v;
                        }
                        var attributes = new List<(string, object)> { ("alpha", alpha), ("beta", beta), ("transA", transA ? 1 : 0), ("transB", transB ? 1 : 0) };
                        if (relu) attributes.Add(("edgetoken.activation", "Relu"));
                        var inputs = new List<EdgeToken.Runtime.Tensors.ConstantTensor?> { F(transA ? [k, 1] : [1, k], a), F(transB ? [n, k] : [k, n], b) };
                        if (c is not null) inputs.Add(F(cShape!, c));
                        var harness = new NodeHarness("Gemm", Attrs([.. attributes]), [.. inputs], [false, true, true]);
                        Assert.Equal("GemvKernel", harness.Kernel.GetType().Name);
                        harness.Run();
                        KernelAssert.Close(expected, harness.OutputFloats(), rtol: 1e-4f, atol: 1e-4f);
                    }
    }

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void Gemm_matches_spec_reference(int[]? cShape, bool transA, bool transB, int seed)
    {
        int m = 5, n = 7, k = 300; // k crosses a KC slice
        float alpha = 0.75f, beta = seed % 2 == 0 ? 1.5f : 0f;
        var a = KernelAssert.Random(m * k, seed);
        var b = KernelAssert.Random(k * n, seed + 1);
        float[]? c = cShape is null ? null : KernelAssert.Random(cShape.Aggregate(1, (x, y) => x * y), seed + 2);
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += (double)(transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                double cv = 0;
                if (c is not null)
                {
                    int rows = cShape!.Length == 2 ? cShape[0] : 1, cols = cShape.Length >= 1 ? cShape[^1] : 1;
                    cv = c[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
                }
                expected[i * n + j] = (float)(alpha * sum + beta * cv);
            }
        var attrs = Attrs(("alpha", alpha), ("beta", beta), ("transA", transA ? 1 : 0), ("transB", transB ? 1 : 0));
        var inputs = new List<EdgeToken.Runtime.Tensors.ConstantTensor?>
        {
            F(transA ? [k, m] : [m, k], a), F(transB ? [n, k] : [k, n], b),
        };
        if (c is not null) inputs.Add(F(cShape!, c));
        foreach (bool constant in new[] { true, false })
        {
            var y = RunFloats("Gemm", attrs, [.. inputs], constant, out var dims);
            Assert.Equal(new[] { m, n }, dims);
            KernelAssert.Close(expected, y, rtol: 1e-4f, atol: 1e-4f);
        }
    }

    [Theory]
    [InlineData(new[] { 300 }, new[] { 300, 40 })]          // one vector times a weight matrix
    [InlineData(new[] { 1, 300 }, new[] { 300, 40 })]
    [InlineData(new[] { 3, 4, 9 }, new[] { 9, 18 })]          // batch folds into M
    [InlineData(new[] { 2, 1, 4, 9 }, new[] { 3, 9, 18 })]    // both sides broadcast
    [InlineData(new[] { 4, 9 }, new[] { 2, 9, 5 })]
    [InlineData(new[] { 2, 4, 9 }, new[] { 9 })]              // matrix times vector
    [InlineData(new[] { 9 }, new[] { 2, 9, 5 })]
    [InlineData(new[] { 9 }, new[] { 9 })]
    public void MatMul_matches_numpy_semantics(int[] aDims, int[] bDims)
    {
        var a = KernelAssert.Random(aDims.Aggregate(1, (x, y) => x * y), aDims.Length);
        var b = KernelAssert.Random(bDims.Aggregate(1, (x, y) => x * y), bDims.Length + 10);
        // Reference: promote 1-D operands, broadcast batch dims, multiply, then drop the promoted dims.
        int[] ap = aDims.Length == 1 ? [1, aDims[0]] : aDims, bp = bDims.Length == 1 ? [bDims[0], 1] : bDims;
        int m = ap[^2], k = ap[^1], n = bp[^1];
        int rank = Math.Max(ap.Length, bp.Length) - 2;
        var batch = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - (ap.Length - 2)) >= 0 ? ap[i - (rank - (ap.Length - 2))] : 1;
            int db = i - (rank - (bp.Length - 2)) >= 0 ? bp[i - (rank - (bp.Length - 2))] : 1;
            batch[i] = Math.Max(da, db);
        }
        int count = batch.Aggregate(1, (x, y) => x * y);
        var expected = new float[count * m * n];
        for (int bi = 0; bi < count; bi++)
        {
            int rem = bi, aOff = 0, bOff = 0, aMul = 1, bMul = 1;
            for (int i = rank - 1; i >= 0; i--)
            {
                int idx = rem % batch[i]; rem /= batch[i];
                int ai = i - (rank - (ap.Length - 2)), bj = i - (rank - (bp.Length - 2));
                if (ai >= 0) { aOff += (ap[ai] == 1 ? 0 : idx) * aMul; aMul *= ap[ai]; }
                if (bj >= 0) { bOff += (bp[bj] == 1 ? 0 : idx) * bMul; bMul *= bp[bj]; }
            }
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (double)a[aOff * m * k + i * k + p] * b[bOff * k * n + p * n + j];
                    expected[(bi * m + i) * n + j] = (float)s;
                }
        }
        var outDims = new List<int>(batch);
        if (aDims.Length > 1) outDims.Add(m);
        if (bDims.Length > 1) outDims.Add(n);
        foreach (bool constant in new[] { true, false })
        {
            var y = RunFloats("MatMul", EdgeToken.Runtime.Operators.NodeAttributes.Empty, [F(aDims, a), F(bDims, b)], constant, out var dims);
            Assert.Equal(outDims.ToArray(), dims);
            KernelAssert.Close(expected, y, rtol: 1e-4f, atol: 1e-4f);
        }
    }

    [Fact]
    public void Fused_activation_follows_the_bias()
    {
        // [1 2] x I + C(-2, 1) = (-1, 3) -> Relu (0, 3); MatMul with Clip(0, 2) on (1, 2) x I = (1, 2)... clipped to 2.
        var gemm = RunFloats("Gemm", Attrs(("edgetoken.activation", "Relu")),
            [F([1, 2], [1, 2]), F([2, 2], [1, 0, 0, 1]), F([2], [-2, 1])], true, out _);
        Assert.Equal(new[] { 0f, 3f }, gemm);
        var mm = RunFloats("MatMul", Attrs(("edgetoken.activation", "Clip"), ("edgetoken.activation_alpha", 0f), ("edgetoken.activation_beta", 1.5f)),
            [F([1, 2], [1, 2]), F([2, 2], [1, 0, 0, 1])], false, out _);
        Assert.Equal(new[] { 1f, 1.5f }, mm);
    }
}
