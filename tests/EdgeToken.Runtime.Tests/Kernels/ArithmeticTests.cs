using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class ArithmeticTests
{
    public delegate void SpanOp(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);
    public delegate void SpanScalarOp(ReadOnlySpan<float> a, float b, Span<float> y);
    public delegate void ScalarSpanOp(float a, ReadOnlySpan<float> b, Span<float> y);

    private static readonly (string Name, SpanOp Scalar, SpanOp Run, SpanScalarOp RunB, ScalarSpanOp RunA)[] Ops =
    [
        ("Add", Add.Scalar, Add.Run, Add.Run, Add.Run),
        ("Sub", Sub.Scalar, Sub.Run, Sub.Run, Sub.Run),
        ("Mul", Mul.Scalar, Mul.Run, Mul.Run, Mul.Run),
        ("Div", Div.Scalar, Div.Run, Div.Run, Div.Run),
    ];

    [Fact]
    public void Vector_paths_match_scalar_reference_for_every_length_and_tail()
    {
        foreach (var op in Ops)
            for (int n = 0; n <= 67; n++)
            {
                var a = KernelAssert.Random(n, seed: n, scale: 3f);
                var b = KernelAssert.Random(n, seed: 1000 + n, scale: 2f);
                var expected = new float[n];
                var actual = new float[n];

                op.Scalar(a, b, expected);
                op.Run(a, b, actual);
                KernelAssert.Close(expected, actual, rtol: 0f, atol: 0f);

                const float s = 0.75f;
                var sb = new float[n];
                Array.Fill(sb, s);
                op.Scalar(a, sb, expected);
                op.RunB(a, s, actual);
                KernelAssert.Close(expected, actual, rtol: 0f, atol: 0f);

                op.Scalar(sb, b, expected);
                op.RunA(s, b, actual);
                KernelAssert.Close(expected, actual, rtol: 0f, atol: 0f);
            }
    }

    [Fact]
    public void In_place_output_over_an_input_gives_the_same_result()
    {
        var a = KernelAssert.Random(67, seed: 5, scale: 3f);
        var b = KernelAssert.Random(67, seed: 6, scale: 3f);
        var expected = new float[67];
        Sub.Scalar(a, b, expected);
        Sub.Run(a, b, a);
        KernelAssert.Close(expected, a, rtol: 0f, atol: 0f);
    }

    public static TheoryData<int[], int[]> ShapePairs => new()
    {
        { [2, 3, 4], [2, 3, 4] },
        { [2, 3, 4], [4] },
        { [4], [2, 3, 4] },
        { [2, 3, 4], [] },
        { [], [2, 3, 4] },
        { [], [] },
        { [2, 3, 4], [3, 1] },
        { [1, 3, 1], [2, 1, 4] },
        { [3, 1], [1, 3] },
        { [2, 1, 4, 1], [1, 3, 1, 5] },
        { [2, 5, 3, 3], [5, 1, 1] },
        { [1, 1, 7], [7] },
        { [0, 3], [3] },
        { [6, 1], [6, 17] },
        { [2, 3, 40], [2, 1, 40] },
    };

    [Theory]
    [MemberData(nameof(ShapePairs))]
    public void Broadcast_float_matches_independent_reference(int[] aDims, int[] bDims)
    {
        var a = KernelAssert.Random((int)Shape.ElementCount(aDims), seed: 11, scale: 4f);
        var b = KernelAssert.Random((int)Shape.ElementCount(bDims), seed: 12, scale: 4f);
        var outDims = Broadcasting.Shape(aDims, bDims);
        foreach (var (name, f) in new (string, Func<float, float, float>)[] { ("Add", (x, y) => x + y), ("Sub", (x, y) => x - y), ("Mul", (x, y) => x * y), ("Div", (x, y) => x / y) })
        {
            var y = SingleNodeRunner.Run(name, NodeAttributes.Empty,
                [ConstantTensor.FromArray(ElementType.Float32, aDims, a), ConstantTensor.FromArray(ElementType.Float32, bDims, b)]);
            Assert.Equal(outDims, y[0].Dims);
            Assert.Equal(Broadcasting.Apply(a, aDims, b, bDims, outDims, f), y[0].AsSpan<float>().ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(ShapePairs))]
    public void Broadcast_int64_matches_independent_reference(int[] aDims, int[] bDims)
    {
        var rng = new Random(3);
        var a = Enumerable.Range(0, (int)Shape.ElementCount(aDims)).Select(_ => (long)rng.Next(-50, 50)).ToArray();
        var b = Enumerable.Range(0, (int)Shape.ElementCount(bDims)).Select(_ => (long)rng.Next(1, 9)).ToArray();
        var outDims = Broadcasting.Shape(aDims, bDims);
        foreach (var (name, f) in new (string, Func<long, long, long>)[] { ("Add", (x, y) => x + y), ("Sub", (x, y) => x - y), ("Mul", (x, y) => x * y), ("Div", (x, y) => x / y) })
        {
            var y = SingleNodeRunner.Run(name, NodeAttributes.Empty,
                [ConstantTensor.FromArray(ElementType.Int64, aDims, a), ConstantTensor.FromArray(ElementType.Int64, bDims, b)]);
            Assert.Equal(Broadcasting.Apply(a, aDims, b, bDims, outDims, f), y[0].AsSpan<long>().ToArray());
        }
    }

    [Fact]
    public void Integer_division_truncates_toward_zero()
    {
        var a = ConstantTensor.FromArray(ElementType.Int32, [6], new[] { 7, -7, 7, -7, 1, -1 });
        var b = ConstantTensor.FromArray(ElementType.Int32, [6], new[] { 2, 2, -2, -2, 3, 3 });
        var y = SingleNodeRunner.Run("Div", NodeAttributes.Empty, [a, b]);
        Assert.Equal(new[] { 3, -3, -3, 3, 0, 0 }, y[0].AsSpan<int>().ToArray());
    }

    [Fact]
    public void Integer_division_by_zero_and_min_over_minus_one_do_not_throw()
    {
        var a = ConstantTensor.FromArray(ElementType.Int8, [3], new sbyte[] { 5, sbyte.MinValue, -6 });
        var b = ConstantTensor.FromArray(ElementType.Int8, [3], new sbyte[] { 0, -1, -1 });
        var y = SingleNodeRunner.Run("Div", NodeAttributes.Empty, [a, b]);
        Assert.Equal(new sbyte[] { 0, sbyte.MinValue, 6 }, y[0].AsSpan<sbyte>().ToArray());
    }

    [Fact]
    public void Every_integer_type_wraps_like_numpy()
    {
        // Lengths past one Vector512 so the vector paths of each integer width run too.
        const int n = 70;
        Check<sbyte>(ElementType.Int8, i => (sbyte)(i * 3 - 100), i => (sbyte)(i + 60), (x, y) => (sbyte)(x + y), (x, y) => (sbyte)(x - y), (x, y) => (sbyte)(x * y), (x, y) => (sbyte)(x / y));
        Check<short>(ElementType.Int16, i => (short)(i * 900 - 30000), i => (short)(i * 7 + 1), (x, y) => (short)(x + y), (x, y) => (short)(x - y), (x, y) => (short)(x * y), (x, y) => (short)(x / y));
        Check<int>(ElementType.Int32, i => i * 70000000 - 2000000000, i => i * 3 + 1, (x, y) => x + y, (x, y) => x - y, (x, y) => x * y, (x, y) => x / y);
        Check<byte>(ElementType.UInt8, i => (byte)(i * 3), i => (byte)(i + 1), (x, y) => (byte)(x + y), (x, y) => (byte)(x - y), (x, y) => (byte)(x * y), (x, y) => (byte)(x / y));
        Check<ushort>(ElementType.UInt16, i => (ushort)(i * 900), i => (ushort)(i * 1000 + 1), (x, y) => (ushort)(x + y), (x, y) => (ushort)(x - y), (x, y) => (ushort)(x * y), (x, y) => (ushort)(x / y));
        Check<uint>(ElementType.UInt32, i => (uint)i * 60000000u, i => (uint)i * 5 + 1, (x, y) => x + y, (x, y) => x - y, (x, y) => x * y, (x, y) => x / y);
        Check<ulong>(ElementType.UInt64, i => (ulong)i * 260000000000000000ul, i => (ulong)i * 11 + 1, (x, y) => x + y, (x, y) => x - y, (x, y) => x * y, (x, y) => x / y);
        Check<double>(ElementType.Float64, i => i * 0.37 - 9, i => i * 0.11 + 0.5, (x, y) => x + y, (x, y) => x - y, (x, y) => x * y, (x, y) => x / y);

        static void Check<T>(ElementType type, Func<int, T> fa, Func<int, T> fb, params Func<T, T, T>[] reference) where T : unmanaged
        {
            var a = Enumerable.Range(0, n).Select(fa).ToArray();
            var b = Enumerable.Range(0, n).Select(fb).ToArray();
            string[] names = ["Add", "Sub", "Mul", "Div"];
            for (int k = 0; k < names.Length; k++)
            {
                var y = SingleNodeRunner.Run(names[k], NodeAttributes.Empty, [ConstantTensor.FromArray(type, [n], a), ConstantTensor.FromArray(type, [n], b)]);
                Assert.Equal(type, y[0].Type);
                Assert.Equal(a.Zip(b, reference[k]).ToArray(), y[0].AsSpan<T>().ToArray());
                // And with B as a broadcast scalar.
                var s = SingleNodeRunner.Run(names[k], NodeAttributes.Empty, [ConstantTensor.FromArray(type, [n], a), ConstantTensor.FromArray(type, [], new[] { b[3] })]);
                Assert.Equal(a.Select(x => reference[k](x, b[3])).ToArray(), s[0].AsSpan<T>().ToArray());
            }
        }
    }

    [Fact]
    public void Float16_runs_through_the_scalar_path()
    {
        var a = Enumerable.Range(0, 70).Select(i => (Half)(i * 0.25f - 3f)).ToArray();
        var b = Enumerable.Range(0, 70).Select(i => (Half)(i * 0.5f + 1f)).ToArray();
        foreach (var (name, f) in new (string, Func<Half, Half, Half>)[] { ("Add", (x, y) => x + y), ("Sub", (x, y) => x - y), ("Mul", (x, y) => x * y), ("Div", (x, y) => x / y) })
        {
            var y = SingleNodeRunner.Run(name, NodeAttributes.Empty,
                [ConstantTensor.FromArray(ElementType.Float16, [70], a), ConstantTensor.FromArray(ElementType.Float16, [70], b)])[0];
            Assert.Equal(a.Zip(b, f).ToArray(), y.AsSpan<Half>().ToArray());
        }
        var p = SingleNodeRunner.Run("Pow", NodeAttributes.Empty,
            [ConstantTensor.FromArray(ElementType.Float16, [70], b), ConstantTensor.FromArray(ElementType.Int32, [], new[] { 2 })])[0];
        Assert.Equal(b.Select(v => (Half)((double)v * (double)v)).ToArray(), p.AsSpan<Half>().ToArray());
    }

    [Fact]
    public void Mismatched_types_and_shapes_are_rejected()
    {
        var f = ConstantTensor.FromArray(ElementType.Float32, [3], new[] { 1f, 2f, 3f });
        var i = ConstantTensor.FromArray(ElementType.Int32, [3], new[] { 1, 2, 3 });
        var g = ConstantTensor.FromArray(ElementType.Float32, [2], new[] { 1f, 2f });
        Assert.Throws<ShapeException>(() => SingleNodeRunner.Run("Add", NodeAttributes.Empty, [f, i]));
        Assert.Throws<ShapeException>(() => SingleNodeRunner.Run("Mul", NodeAttributes.Empty, [f, g]));
    }

    [Fact]
    public void In_place_input_is_the_full_shape_operand()
    {
        Assert.True(OperatorRegistry.TryGet("Add", out var add));
        Assert.Equal(0, add.InPlaceInput(Inferred(add, [2, 3], [3])));
        Assert.Equal(1, add.InPlaceInput(Inferred(add, [3], [2, 3])));
        Assert.Equal(-1, add.InPlaceInput(Inferred(add, [2, 1], [1, 3])));

        static NodeContext Inferred(OperatorDefinition op, int[] a, int[] b)
        {
            var node = new NodeContext("n", op.OpType, 17, NodeAttributes.Empty,
                [new TensorInfo(ElementType.Float32, a), new TensorInfo(ElementType.Float32, b)], [null, null], 1);
            op.InferOutputs(node);
            return node;
        }
    }
}
