using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Quantization;

/// <summary>QuantizeLinear: y = saturate(round_half_to_even(x / scale) + zero_point), float32 in, uint8, int8,
/// uint16 or int16 out (the zero point's type, else <c>output_dtype</c>, else uint8).</summary>
public static class QuantizeLinear
{
    /// <summary>One element, as the spec writes it. The division is in float32, as it is for float32 inputs.</summary>
    public static T Scalar<T>(float x, float scale, int zeroPoint) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        float q = MathF.Round(x / scale, MidpointRounding.ToEven) + zeroPoint;
        q = Math.Clamp(q, float.CreateTruncating(T.MinValue), float.CreateTruncating(T.MaxValue));
        return T.CreateTruncating((int)q);
    }

    /// <summary>A run of elements sharing one scale and zero point: vectors of floats are divided, rounded, clamped,
    /// converted and narrowed, then the tail goes element by element.</summary>
    public static void Row<T>(ReadOnlySpan<float> x, Span<T> y, float scale, int zeroPoint) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated && (typeof(T) == typeof(byte) || typeof(T) == typeof(sbyte)))
            i = RowBytes(x, MemoryMarshal.AsBytes(y), scale, zeroPoint, float.CreateTruncating(T.MinValue), float.CreateTruncating(T.MaxValue));
        else if (Vector128.IsHardwareAccelerated && (typeof(T) == typeof(ushort) || typeof(T) == typeof(short)))
            i = RowShorts(x, MemoryMarshal.Cast<T, short>(y), scale, zeroPoint, float.CreateTruncating(T.MinValue), float.CreateTruncating(T.MaxValue));
        for (; i < x.Length; i++) y[i] = Scalar<T>(x[i], scale, zeroPoint);
    }

    private static Vector128<int> Quantize(Vector128<float> x, Vector128<float> scale, Vector128<float> zp, Vector128<float> lo, Vector128<float> hi) =>
        Vector128.ConvertToInt32(Vector128.Min(Vector128.Max(Vector128.Round(x / scale) + zp, lo), hi));

    private static Vector256<int> Quantize(Vector256<float> x, Vector256<float> scale, Vector256<float> zp, Vector256<float> lo, Vector256<float> hi) =>
        Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Round(x / scale) + zp, lo), hi));

    private static Vector512<int> Quantize(Vector512<float> x, Vector512<float> scale, Vector512<float> zp, Vector512<float> lo, Vector512<float> hi) =>
        Vector512.ConvertToInt32(Vector512.Min(Vector512.Max(Vector512.Round(x / scale) + zp, lo), hi));

    // Clamped values fit the target, so truncating narrows keep the right bit patterns for signed and unsigned alike.
    private static int RowBytes(ReadOnlySpan<float> x, Span<byte> y, float scale, int zeroPoint, float lo, float hi)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref byte ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        // 64 a step where there are 512-bit vectors: a small model's input (64 values) in one step, half the loop
        // overhead and narrowing of the 256-bit one.
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale); var z = Vector512.Create((float)zeroPoint); var l = Vector512.Create(lo); var h = Vector512.Create(hi);
            for (; i <= x.Length - 64; i += 64)
            {
                var a = Vector512.Narrow(Quantize(Vector512.LoadUnsafe(ref xs, (nuint)i), s, z, l, h), Quantize(Vector512.LoadUnsafe(ref xs, (nuint)(i + 16)), s, z, l, h));
                var b = Vector512.Narrow(Quantize(Vector512.LoadUnsafe(ref xs, (nuint)(i + 32)), s, z, l, h), Quantize(Vector512.LoadUnsafe(ref xs, (nuint)(i + 48)), s, z, l, h));
                Vector512.Narrow(a, b).AsByte().StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale); var z = Vector256.Create((float)zeroPoint); var l = Vector256.Create(lo); var h = Vector256.Create(hi);
            for (; i <= x.Length - 32; i += 32)
            {
                var a = Vector256.Narrow(Quantize(Vector256.LoadUnsafe(ref xs, (nuint)i), s, z, l, h), Quantize(Vector256.LoadUnsafe(ref xs, (nuint)(i + 8)), s, z, l, h));
                var b = Vector256.Narrow(Quantize(Vector256.LoadUnsafe(ref xs, (nuint)(i + 16)), s, z, l, h), Quantize(Vector256.LoadUnsafe(ref xs, (nuint)(i + 24)), s, z, l, h));
                Vector256.Narrow(a, b).AsByte().StoreUnsafe(ref ys, (nuint)i);
            }
        }
        {
            var s = Vector128.Create(scale); var z = Vector128.Create((float)zeroPoint); var l = Vector128.Create(lo); var h = Vector128.Create(hi);
            for (; i <= x.Length - 16; i += 16)
            {
                var a = Vector128.Narrow(Quantize(Vector128.LoadUnsafe(ref xs, (nuint)i), s, z, l, h), Quantize(Vector128.LoadUnsafe(ref xs, (nuint)(i + 4)), s, z, l, h));
                var b = Vector128.Narrow(Quantize(Vector128.LoadUnsafe(ref xs, (nuint)(i + 8)), s, z, l, h), Quantize(Vector128.LoadUnsafe(ref xs, (nuint)(i + 12)), s, z, l, h));
                Vector128.Narrow(a, b).AsByte().StoreUnsafe(ref ys, (nuint)i);
            }
        }
        return i;
    }

    private static int RowShorts(ReadOnlySpan<float> x, Span<short> y, float scale, int zeroPoint, float lo, float hi)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref short ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale); var z = Vector256.Create((float)zeroPoint); var l = Vector256.Create(lo); var h = Vector256.Create(hi);
            for (; i <= x.Length - 16; i += 16)
                Vector256.Narrow(Quantize(Vector256.LoadUnsafe(ref xs, (nuint)i), s, z, l, h), Quantize(Vector256.LoadUnsafe(ref xs, (nuint)(i + 8)), s, z, l, h))
                    .StoreUnsafe(ref ys, (nuint)i);
        }
        {
            var s = Vector128.Create(scale); var z = Vector128.Create((float)zeroPoint); var l = Vector128.Create(lo); var h = Vector128.Create(hi);
            for (; i <= x.Length - 8; i += 8)
                Vector128.Narrow(Quantize(Vector128.LoadUnsafe(ref xs, (nuint)i), s, z, l, h), Quantize(Vector128.LoadUnsafe(ref xs, (nuint)(i + 4)), s, z, l, h))
                    .StoreUnsafe(ref ys, (nuint)i);
        }
        return i;
    }

    /// <summary>The whole tensor over its grid; <paramref name="zeroPoint"/> is empty when the node has none.</summary>
    public static void Run<T>(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<T> zeroPoint, Span<T> y, QuantizationGrid grid)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        int offset = 0;
        for (int o = 0; o < grid.Outer; o++)
            for (int a = 0; a < grid.AxisLength; a++, offset += grid.Inner)
            {
                int p = grid.ParameterIndex(o, a, 0);
                if (grid.InnerStride == 0)
                {
                    Row(x.Slice(offset, grid.Inner), y.Slice(offset, grid.Inner), scale[p], ZeroPoint(zeroPoint, p));
                    continue;
                }
                for (int i = 0; i < grid.Inner; i++)
                    y[offset + i] = Scalar<T>(x[offset + i], scale[p + i], ZeroPoint(zeroPoint, p + i));
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ZeroPoint<T>(ReadOnlySpan<T> zeroPoint, int index) where T : unmanaged, IBinaryInteger<T> =>
        zeroPoint.IsEmpty ? 0 : int.CreateTruncating(zeroPoint[index]);
}

internal sealed class QuantizeLinearOperator : OperatorDefinition
{
    public override string OpType => "QuantizeLinear";

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, ElementType.Float32);
        node.ExpectType(1, ElementType.Float32);
        long precision = node.Attributes.GetInt("precision", 0);
        if (precision != 0 && precision != (long)ElementType.Float32)
            throw new UnsupportedOperatorException($"QuantizeLinear '{node.NodeName}': precision {((ElementType)precision).OnnxName()} (only float is run)");
        var type = OutputType(node);
        Grid(node);
        node.SetOutput(0, type, node.Input(0).Dims);
    }

    public override Kernel CreateKernel(NodeContext node) => new QuantizeLinearKernel(OutputType(node), Grid(node));

    internal static QuantizationGrid Grid(NodeContext node)
    {
        QuantizationGrid.CheckZeroPoint(node, 1, 2);
        return QuantizationGrid.Create(node, node.Input(0).Dims, node.Input(1).Dims,
            node.Attributes.GetInt("axis", 1), node.Opset >= 21 ? node.Attributes.GetInt("block_size", 0) : 0);
    }

    private static ElementType OutputType(NodeContext node)
    {
        var type = node.HasInput(2) ? node.Input(2).Type : ElementType.UInt8;
        long outputDtype = node.Opset >= 21 ? node.Attributes.GetInt("output_dtype", 0) : 0;
        if (outputDtype != 0)
        {
            if (node.HasInput(2) && (long)type != outputDtype)
                throw new ShapeException($"QuantizeLinear '{node.NodeName}': output_dtype {((ElementType)outputDtype).OnnxName()} differs from the zero point's {type.OnnxName()}");
            type = (ElementType)outputDtype;
        }
        if (type is not (ElementType.UInt8 or ElementType.Int8 or ElementType.UInt16 or ElementType.Int16))
            throw new UnsupportedOperatorException($"QuantizeLinear '{node.NodeName}': output type {type.OnnxName()} (EdgeToken quantizes to uint8, int8, uint16 and int16)");
        return type;
    }

    private sealed class QuantizeLinearKernel(ElementType type, QuantizationGrid grid) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            switch (type)
            {
                case ElementType.UInt8: Run<byte>(args); break;
                case ElementType.Int8: Run<sbyte>(args); break;
                case ElementType.UInt16: Run<ushort>(args); break;
                default: Run<short>(args); break;
            }
        }

        private void Run<T>(in KernelArgs args) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> =>
            QuantizeLinear.Run(args.Input<float>(0), args.Input<float>(1), args.HasInput(2) ? args.Input<T>(2) : default, args.Output<T>(0), grid);
    }
}
