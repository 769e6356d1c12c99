using System.Numerics;
using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Cast: converts every element to the type named by the <c>to</c> attribute (an ONNX DataType code,
/// which is also <see cref="ElementType"/>'s value). Numeric types and bool.</summary>
/// <remarks>Follows numpy's astype, which the ONNX tests were generated with: floats round to nearest even
/// when narrowing (float→float16 and double→float16 directly, never through float); floats truncate toward
/// zero into integers (out of range saturates here; ONNX leaves it undefined); integers narrow by wrapping;
/// anything non-zero (NaN included) becomes true. The <c>saturate</c> attribute only concerns float8 types,
/// which EdgeToken does not lay out, so it is ignored.</remarks>
public static class Cast
{
    /// <summary>The reference the library path is tested against.</summary>
    public static void Scalar<TFrom, TTo>(ReadOnlySpan<TFrom> x, Span<TTo> y)
        where TFrom : unmanaged, INumber<TFrom> where TTo : unmanaged, INumber<TTo>
    {
        for (int i = 0; i < x.Length; i++) y[i] = TTo.CreateTruncating(x[i]);
    }

    /// <summary>Vectorised by TensorPrimitives where the pair has a vector conversion.</summary>
    public static void Run<TFrom, TTo>(ReadOnlySpan<TFrom> x, Span<TTo> y)
        where TFrom : unmanaged, INumber<TFrom> where TTo : unmanaged, INumber<TTo> =>
        TensorPrimitives.ConvertTruncating(x, y);

    /// <summary>To bool (one byte, 0 or 1): anything that is not zero is true.</summary>
    public static void ToBool<TFrom>(ReadOnlySpan<TFrom> x, Span<byte> y) where TFrom : unmanaged, INumber<TFrom>
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] != TFrom.Zero ? (byte)1 : (byte)0;
    }
}

internal sealed class CastOperator : OperatorDefinition
{
    private static readonly ElementType[] s_types =
    [
        ElementType.Float32, ElementType.Float64, ElementType.Float16, ElementType.Bool,
        ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
        ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64,
    ];

    public override string OpType => "Cast";

    public override void InferOutputs(NodeContext node)
    {
        node.ExpectType(0, s_types);
        node.SetOutput(0, Target(node), node.Input(0).Dims);
    }

    /// <summary>A cast to the input's own type is the identity: the planner may share the buffer.</summary>
    public override bool IsView(NodeContext node) => Target(node) == node.Input(0).Type;

    public override Kernel CreateKernel(NodeContext node)
    {
        var from = node.Input(0).Type;
        var to = Target(node);
        if (from == to) return new IdentityKernel();
        return from switch
        {
            ElementType.Float32 => From<float>(to),
            ElementType.Float64 => From<double>(to),
            ElementType.Float16 => From<Half>(to),
            ElementType.Int8 => From<sbyte>(to),
            ElementType.Int16 => From<short>(to),
            ElementType.Int32 => From<int>(to),
            ElementType.Int64 => From<long>(to),
            // bool is a byte holding 0 or 1, so it converts as uint8 does.
            ElementType.UInt8 or ElementType.Bool => From<byte>(to),
            ElementType.UInt16 => From<ushort>(to),
            ElementType.UInt32 => From<uint>(to),
            _ => From<ulong>(to),
        };
    }

    private static Kernel From<TFrom>(ElementType to) where TFrom : unmanaged, INumber<TFrom> => to switch
    {
        ElementType.Float32 => new CastKernel<TFrom, float>(),
        ElementType.Float64 => new CastKernel<TFrom, double>(),
        ElementType.Float16 => new CastKernel<TFrom, Half>(),
        ElementType.Bool => new ToBoolKernel<TFrom>(),
        ElementType.Int8 => new CastKernel<TFrom, sbyte>(),
        ElementType.Int16 => new CastKernel<TFrom, short>(),
        ElementType.Int32 => new CastKernel<TFrom, int>(),
        ElementType.Int64 => new CastKernel<TFrom, long>(),
        ElementType.UInt8 => new CastKernel<TFrom, byte>(),
        ElementType.UInt16 => new CastKernel<TFrom, ushort>(),
        ElementType.UInt32 => new CastKernel<TFrom, uint>(),
        _ => new CastKernel<TFrom, ulong>(),
    };

    private static ElementType Target(NodeContext node)
    {
        if (!node.Attributes.Has("to"))
            throw new ShapeException($"Cast '{node.NodeName}' has no 'to' attribute");
        var to = (ElementType)node.Attributes.GetInt("to", 0);
        if (Array.IndexOf(s_types, to) < 0)
            throw new UnsupportedOperatorException($"Cast '{node.NodeName}': target type {to.OnnxName()} (code {(int)to}) is not one EdgeToken casts to");
        return to;
    }

    private sealed class CastKernel<TFrom, TTo> : Kernel
        where TFrom : unmanaged, INumber<TFrom> where TTo : unmanaged, INumber<TTo>
    {
        public override void Run(in KernelArgs args) => Cast.Run(args.Input<TFrom>(0), args.Output<TTo>(0));
    }

    private sealed class ToBoolKernel<TFrom> : Kernel where TFrom : unmanaged, INumber<TFrom>
    {
        public override void Run(in KernelArgs args) => Cast.ToBool(args.Input<TFrom>(0), args.Output<byte>(0));
    }

    private sealed class IdentityKernel : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            if (!args.SharesBuffer(0, 0)) args.InputBytes(0).CopyTo(args.OutputBytes(0));
        }
    }
}
